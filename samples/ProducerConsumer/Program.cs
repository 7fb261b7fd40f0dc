using ManagedActors;
using ManagedActors.Processes;
using ManagedActors.Queues;
using ManagedActors.Values;

// Python's producer-consumer example: a managed queue, two producer processes and one consumer process,
// ended first the tutorial's way (one sentinel per producer), then with CompleteAsync + ReadAllAsync.
const int PerProducer = 10;
Console.WriteLine($"parent main (pid {Environment.ProcessId})");
await using var manager = await Manager.StartAsync();

{
    var queue = await manager.QueueAsync<string?>(maxSize: 5);
    var consumed = await manager.ValueAsync(0);
    using var consumer = ManagedProcess.Start(Kitchen.ConsumeUntilSentinelsAsync, queue, consumed, 2);
    using var first = ManagedProcess.Start(Kitchen.ProduceAsync, queue, "soup", PerProducer, true);
    using var second = ManagedProcess.Start(Kitchen.ProduceAsync, queue, "salad", PerProducer, true);
    await Task.WhenAll(first.WaitForExitAsync(), second.WaitForExitAsync(), consumer.WaitForExitAsync());
    Console.WriteLine($"sentinels: consumed {await consumed.GetAsync()} of {2 * PerProducer} items");
}

{
    var queue = await manager.QueueAsync<string?>(maxSize: 5);
    var consumed = await manager.ValueAsync(0);
    using var consumer = ManagedProcess.Start(Kitchen.ConsumeAllAsync, queue, consumed);
    using var first = ManagedProcess.Start(Kitchen.ProduceAsync, queue, "soup", PerProducer, false);
    using var second = ManagedProcess.Start(Kitchen.ProduceAsync, queue, "salad", PerProducer, false);
    await Task.WhenAll(first.WaitForExitAsync(), second.WaitForExitAsync());
    await queue.CompleteAsync();
    await consumer.WaitForExitAsync();
    Console.WriteLine($"CompleteAsync + ReadAllAsync: consumed {await consumed.GetAsync()} of {2 * PerProducer} items");
}

internal static class Kitchen
{
    public static async Task ProduceAsync(IManagedQueue<string?> queue, string dish, int count, bool sendSentinel)
    {
        for (var i = 1; i <= count; i++)
        {
            await queue.PutAsync($"{dish} #{i}");
        }
        if (sendSentinel)
        {
            await queue.PutAsync(null);
        }
    }

    public static async Task ConsumeUntilSentinelsAsync(IManagedQueue<string?> queue, IManagedValue<int> consumed, int producers)
    {
        var finished = 0;
        while (finished < producers)
        {
            if (await queue.GetAsync() is null)
            {
                finished++;
                continue;
            }
            await consumed.IncrementAsync(1);
        }
    }

    public static async Task ConsumeAllAsync(IManagedQueue<string?> queue, IManagedValue<int> consumed)
    {
        await foreach (var _ in queue.ReadAllAsync())
        {
            await consumed.IncrementAsync(1);
        }
    }
}
