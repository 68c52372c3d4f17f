namespace AspireCache.Benchmarks;

/// <summary>
/// Measures the managed heap an <see cref="LruStore"/> holds per entry, in process, against what the
/// store accounts for (<c>--memory</c>).
/// </summary>
internal static class MemoryFootprint
{
    private const int Entries = 1_000_000;
    private const int ValueBytes = 100;

    public static void Run()
    {
        // The key and value objects are measured on their own first, so that what the store adds on top
        // of them is a measurement too, not an assumption about the runtime's object layout.
        long keyObject = PerObject(i => Key(i));
        long valueObject = PerObject(_ => new byte[ValueBytes]);

        long before = Heap();
        var store = new LruStore(long.MaxValue);
        for (int i = 0; i < Entries; i++)
        {
            store.Add(Key(i), new byte[ValueBytes]);
        }

        long after = Heap();
        double measured = (double)(after - before) / store.Count;
        double accounted = (double)store.Bytes / store.Count;
        GC.KeepAlive(store);

        Console.WriteLine($"{store.Count:N0} entries, keys like \"{Key(0)}\", {ValueBytes}-byte values");
        Console.WriteLine($"heap growth per entry:           {measured,8:F1} B");
        Console.WriteLine($"  key string object:             {keyObject,8} B");
        Console.WriteLine($"  value array object:            {valueObject,8} B");
        Console.WriteLine($"  beyond key and value:          {measured - keyObject - valueObject,8:F1} B");
        Console.WriteLine($"accounted per entry (Bytes/Count): {accounted,6:F1} B");
        Console.WriteLine($"accounted / measured:            {accounted / measured,8:F3}");
    }

    private static string Key(int i) => $"user:{i:D7}";

    private static long PerObject(Func<int, object> create)
    {
        object[] holder = new object[Entries];
        long before = Heap();
        for (int i = 0; i < Entries; i++)
        {
            holder[i] = create(i);
        }

        long after = Heap();
        GC.KeepAlive(holder);
        return (long)Math.Round((double)(after - before) / Entries);
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
