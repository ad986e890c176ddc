FROM golang:1.22
ARG GITHUB_TOKEN=ghp_Zx9Lq2Wm4Rt7Yp1Kd8Hs3Vb6Nc0Jf5Gq2Tw8
RUN go env -w GOPRIVATE=github.com/acme/* && go mod download
