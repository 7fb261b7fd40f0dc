using ManagedActors;

// An embedded manager, and a second client connected to it over Akka.Remote the way another process would.
await using var manager = await Manager.StartAsync();
Console.WriteLine($"Manager listening at {manager.Address}");

var stock = await manager.DictAsync<string, int>("inventory");
await stock.SetAsync("apples", 0);

await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
var sameStock = await client.DictAsync<string, int>("inventory");

// Four workers, two per connection, each restocking 250 times: atomic increments lose nothing.
var workers = new[] { stock, stock, sameStock, sameStock }
    .Select(async dict =>
    {
        for (var i = 0; i < 250; i++)
        {
            await dict.IncrementAsync("apples", 1);
        }
    });
await Task.WhenAll(workers);
Console.WriteLine($"apples after 4 x 250 atomic increments: {await stock.GetAsync("apples")}");

var items = await client.ListAsync<string>();
await items.ExtendAsync(["bread", "milk", "eggs"]);
await items.AppendAsync("tea");
Console.WriteLine($"shopping list: {string.Join(", ", await items.SnapshotAsync())} (last: {await items.GetAsync(-1)})");

try
{
    await stock.GetAsync("pears");
}
catch (KeyNotFoundException e)
{
    Console.WriteLine($"missing key raises {e.GetType().Name}: {e.Message}");
}
