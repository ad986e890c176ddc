FROM alpine:3.20
RUN wget --header "Authorization: token ghp_Zx9Lq2Wm4Rt7Yp1Kd8Hs3Vb6Nc0Jf5Gq2Tw8" https://api.github.com/repos/acme/app/tarball
