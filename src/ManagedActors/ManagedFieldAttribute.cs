namespace ManagedActors;

/// <summary>
/// Names a field of a record (or any class or struct of the application's own) in the values that ManagedActors
/// stores and sends, so that stored values outlive a refactoring. A value of such a type is written field by field,
/// each under its name: a property by the property's name, a field by its own. Reading it back matches fields by name,
/// so fields may be reordered freely; a field the value does not hold takes its default (the constructor parameter's
/// default value, or the property's initializer); a field the type no longer has is ignored. Renaming one changes its
/// name: give it the old one as an alias (or a fixed <see cref="Name"/> from the start), and stored values read into
/// it.
/// </summary>
/// <example>
/// <code>
/// // Was record Order(string Id, int Qty): journaled and snapshotted orders read into Quantity, and Note is "none".
/// public sealed record Order(string Id, [ManagedField(Aliases = ["Qty"])] int Quantity, string Note = "none");
/// </code>
/// On a positional record the attribute may stand on the parameter (as above) or on its property
/// (<c>[property: ManagedField(...)]</c>).
/// </example>
/// <param name="name">The field's name in stored values; null for its own (the property's or the field's name).</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, Inherited = false)]
public sealed class ManagedFieldAttribute(string? name = null) : Attribute
{
    /// <summary>The field's name in stored values; null for its own (the property's or the field's name).</summary>
    public string? Name { get; } = name;

    /// <summary>Names the field had before: a stored value's field under one of them reads into this one.</summary>
    public string[] Aliases { get; set; } = [];
}
