// Each test runs real mmd processes (and a daemon runs several workers). Two test classes run at once, no more, so that
// they share the machine's two cores: most of a test's time is spent waiting on the processes it started (a worker's
// start, a backoff, a stop's timeout), and every wait of a test is bounded generously enough for a loaded machine.
// xunit's default (conservative) algorithm starts a test only when one of the two has finished.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 2)]
