using System.Globalization;
using ManagedActors;
using Shop.Api;

// Version 3 of the shop dropped the method that added items, and maps nothing onto the calls of it that the journal
// holds: `check STORE N` must be refused, and say why.
namespace Shop
{
    internal static class Program
    {
        private static async Task<int> Main(string[] args)
        {
            if (args is not ["check", var store, _])
            {
                Console.Error.WriteLine("usage: Shop check STORE N");
                return 2;
            }
            await using var manager = await Manager.StartAsync(new ManagerOptions
            {
                DurableStore = store,
                DefaultDurability = Durability.Durable,
                TrustedAssemblies = [typeof(Item).Assembly],
            }.Register<ICart, Cart>("cart", () => new Cart()));
            var cart = await manager.CreateAsync<ICart>("cart", "orders");
            try
            {
                var items = await cart.ItemsAsync();
                Console.WriteLine($"read {items.Count} items, which a journal with calls of a dropped method must not give");
                return 1;
            }
            catch (JournalVersionException e)
            {
                Console.WriteLine("refused: " + e.Message);
                return 3;
            }
        }
    }

    /// <summary>An item as version 3 has it.</summary>
    public sealed record Item([ManagedField(Aliases = ["Qty"])] int Quantity, string Sku, string Note = "-");

    /// <summary>The cart, read-only in this version.</summary>
    public sealed record Cart
    {
        public List<Item> Lines { get; init; } = [];

        public List<Item> Items() => [.. Lines];
    }
}

namespace Shop.Api
{
    /// <summary>What clients see of a cart.</summary>
    public interface ICart : IManagedObject
    {
        Task<List<Item>> ItemsAsync(CancellationToken cancellationToken = default);
    }
}
