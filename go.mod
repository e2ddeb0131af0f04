module github.com/lmibench/lmibench

go 1.26.8
