using System.Globalization;
using ManagedActors;
using Shop.Contracts;

// Version 1 of a shop: a registered cart type and a dict of stock, both durable. `write STORE N` adds N items to each,
// printing each write once it is acknowledged.
namespace Shop
{
    internal static class Program
    {
        private static async Task<int> Main(string[] args)
        {
            if (args is not ["write", var store, var countText])
            {
                Console.Error.WriteLine("usage: Shop write STORE N");
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
            for (var i = 0; i < count; i++)
            {
                var item = new Item("sku-" + i.ToString(CultureInfo.InvariantCulture), i, "red");
                await cart.AddAsync(item);
                await stock.SetAsync(item.Sku, item);
                Console.WriteLine($"acknowledged {i}");
            }
            return 0;
        }
    }

    /// <summary>An item as version 1 has it.</summary>
    public sealed record Item(string Sku, int Qty, string Color);

    /// <summary>The cart: a record, so its snapshot is the cart itself.</summary>
    public sealed record Cart
    {
        public List<Item> Lines { get; init; } = [];

        public void Add(Item item) => Lines.Add(item);

        public List<Item> Items() => [.. Lines];
    }
}

namespace Shop.Contracts
{
    /// <summary>What clients see of a cart.</summary>
    public interface ICart : IManagedObject
    {
        Task AddAsync(Item item, CancellationToken cancellationToken = default);

        Task<List<Item>> ItemsAsync(CancellationToken cancellationToken = default);
    }
}
