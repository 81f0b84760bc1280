# pscl::ideal on a state x roll-call matrix, for benchmarks/bench_ideal.py.
# Usage: Rscript pscl_ideal.R VOTES.csv OUT.csv
#   VOTES.csv: first column iso3, then one column per roll call; 1 = yes, 0 = no, empty = missing.
#   OUT.csv:   iso3, ideal (posterior mean), seconds (time spent in ideal()).
suppressPackageStartupMessages(library(pscl))
args <- commandArgs(trailingOnly = TRUE)
votes <- read.csv(args[1], check.names = FALSE, stringsAsFactors = FALSE)
matrix <- as.matrix(votes[, -1])
rownames(matrix) <- votes$iso3
rc <- rollcall(matrix, yea = 1, nay = 0, missing = NA, legis.names = votes$iso3)
set.seed(2024)
elapsed <- system.time(
  fit <- ideal(rc, d = 1, maxiter = 10000, burnin = 1000, thin = 100, normalize = TRUE, verbose = FALSE)
)[["elapsed"]]
out <- data.frame(iso3 = rownames(fit$xbar), ideal = fit$xbar[, 1], seconds = elapsed)
write.csv(out, args[2], row.names = FALSE)
