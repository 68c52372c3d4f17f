// Each test class that starts the application starts a whole cluster; two at once would share two
// cores between eight processes and turn timing into noise. Classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
