"""Runs of many replications: replications to a precision (:mod:`.runner`, one replication in
:mod:`.replicate`), the pairing pilot (:mod:`.pilot`), policy comparisons under common random
numbers (:mod:`.compare`), sweeps (:mod:`.sweep`), staffing optimisation (:mod:`.optimize`)
and Dask clusters (:mod:`.cluster`)."""
