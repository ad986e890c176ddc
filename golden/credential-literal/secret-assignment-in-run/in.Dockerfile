FROM alpine:3.20
RUN NGROK_AUTHTOKEN=2abcDEFghiJKLmnoPQR ngrok config check && PASSWORD_LENGTH=12 ./configure && TOKEN=$TOKEN ./deploy
