using ManagedActors.Dicts;

namespace ManagedActors.Tests.Support;

/// <summary>A user record stored in managed objects; its assembly is trusted by the test managers.</summary>
public sealed record Job(int Id, string Name, IReadOnlyList<string> Tags);

/// <summary>A user record holding a proxy: the proxy travels as its reference and stays live.</summary>
public sealed record Shelf(string Label, ManagedActors.Lists.IManagedList<string> Items);

/// <summary>A user enum.</summary>
public enum Priority
{
    Low,
    High,
}

/// <summary>An entry operation: adds to the stock if it stays under the cap; returns the new stock or -1.</summary>
public sealed record Restock(int Amount, int Cap) : IEntryOperation<int, int>
{
    public int Apply(ManagedEntry<int> entry)
    {
        var next = entry.Value + Amount;
        if (next > Cap)
        {
            return -1;
        }
        entry.Value = next;
        return next;
    }
}

/// <summary>An entry operation that removes the entry and returns whether it existed.</summary>
public sealed record Evict : IEntryOperation<int, bool>
{
    public bool Apply(ManagedEntry<int> entry)
    {
        var existed = entry.Exists;
        entry.Remove();
        return existed;
    }
}

/// <summary>An entry operation whose code throws.</summary>
public sealed record Explode(string Why) : IEntryOperation<int, int>
{
    public int Apply(ManagedEntry<int> entry) => throw new CustomFailureException(Why);
}

/// <summary>An exception type the client does not know as a well-known one.</summary>
public sealed class CustomFailureException(string message) : Exception(message);
