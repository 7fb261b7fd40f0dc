using System.Globalization;
using ManagedActors;
using Shop.Api;

// Version 2 of the shop: the cart's interface moved to Shop.Api, AddAsync is now PutAsync, and Item renamed Qty to
// Quantity, dropped Color, gained Note and put its properties in another order. `check STORE N` reads the N items
// version 1 wrote through both objects, then adds one more.
namespace Shop
{
    internal static class Program
    {
        private static async Task<int> Main(string[] args)
        {
            if (args is not ["check", var store, var countText])
            {
                Console.Error.WriteLine("usage: Shop check STORE N");
                return 2;
            }
            var count = int.Parse(countText, CultureInfo.InvariantCulture);
            await using var manager = await Manager.StartAsync(new ManagerOptions
            {
                DurableStore = store,
                DefaultDurability = Durability.Durable,
                TrustedAssemblies = [typeof(Item).Assembly],
                Config = "managed-actors.snapshot-every = 5",
            }.Register<ICart, Cart>("cart", () => new Cart()));
            var cart = await manager.CreateAsync<ICart>("cart", "orders");
            var stock = await manager.DictAsync<string, Item>("stock");
            var expected = Enumerable.Range(0, count).Select(i => new Item(i, "sku-" + i.ToString(CultureInfo.InvariantCulture))).ToList();
            var items = await cart.ItemsAsync();
            var stocked = await stock.SnapshotAsync();
            if (!items.SequenceEqual(expected) || stocked.Count != count || expected.Any(e => !stocked.TryGetValue(e.Sku, out var s) || s != e))
            {
                Console.WriteLine($"mismatch: the cart holds [{string.Join(", ", items)}], the stock [{string.Join(", ", stocked.Values)}]");
                return 1;
            }
            await cart.PutAsync(new Item(count, "sku-new", "added by version 2"));
            Console.WriteLine($"recovered {items.Count} items; the cart now holds {(await cart.ItemsAsync()).Count}");
            return 0;
        }
    }

    /// <summary>An item as version 2 has it.</summary>
    public sealed record Item([ManagedField(Aliases = ["Qty"])] int Quantity, string Sku, string Note = "-");

    /// <summary>The cart.</summary>
    public sealed record Cart
    {
        public List<Item> Lines { get; init; } = [];

        public void Put(Item item) => Lines.Add(item);

        public List<Item> Items() => [.. Lines];
    }
}

namespace Shop.Api
{
    /// <summary>What clients see of a cart.</summary>
    public interface ICart : IManagedObject
    {
        [ManagedMethod(Aliases = ["ICart.AddAsync"])]
        Task PutAsync(Item item, CancellationToken cancellationToken = default);

        Task<List<Item>> ItemsAsync(CancellationToken cancellationToken = default);
    }
}
