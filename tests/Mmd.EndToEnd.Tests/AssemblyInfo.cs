// Each test runs real mmd processes (and a daemon runs several workers): run them one at a time so that they do
// not compete for the machine's two cores. The paper venue persists its state on a timer, so a kill -9 under heavy
// load can lose its last acknowledged orders, which the restart then rightly refuses to reconcile (see issue 3 note).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
