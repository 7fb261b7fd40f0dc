namespace ManagedActors;

/// <summary>
/// Names a method of a proxy interface in durable objects' journals, so that the journal outlives the code. A durable
/// object journals each changing call by its method's key: by default the declaring interface's name (without its
/// namespace or generic arity) and the method's name, <c>ICounter.AddAsync</c>. Renaming the interface or the method
/// changes that key; give the method its old key as <see cref="Aliases"/> (or a fixed <see cref="Key"/> from the
/// start), and the calls journaled under the old name recover into the new method. Moving an interface to another
/// namespace changes nothing.
/// </summary>
/// <example>
/// <code>
/// public interface ICounter : IManagedObject
/// {
///     // Was ICounter.IncrementAsync(int by): the journal's calls of it recover into AddAsync.
///     [ManagedMethod(Aliases = ["ICounter.IncrementAsync"])]
///     Task&lt;int&gt; AddAsync(int by, string? reason = null, CancellationToken cancellationToken = default);
/// }
/// </code>
/// A parameter added with a default value needs nothing: a journaled call made before it existed recovers with the
/// default.
/// </example>
/// <param name="key">The method's key in journals; null for the default (<c>Interface.Method</c>).</param>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ManagedMethodAttribute(string? key = null) : Attribute
{
    /// <summary>The method's key in journals; null for the default (<c>Interface.Method</c>).</summary>
    public string? Key { get; } = key;

    /// <summary>Keys this method had before (old interface or method names): journaled calls under them recover into it.</summary>
    public string[] Aliases { get; set; } = [];
}
