module fakesuite

go 1.24
