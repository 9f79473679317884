// One server per fixture; fixtures run in parallel, tests within a fixture one after another.
[assembly: Parallelizable(ParallelScope.Fixtures)]
