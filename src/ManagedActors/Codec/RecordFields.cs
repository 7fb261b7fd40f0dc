using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text;

namespace ManagedActors.Codec;

/// <summary>
/// How a type of the application's own (a record, a class or a struct whose assembly is not the framework's) is written
/// field by field (<see cref="ValueTags.Fields"/>), and built again from whatever fields a stored value holds: matched
/// by name (<see cref="ManagedFieldAttribute"/> renames), so a value written by an earlier or later version of the type
/// reads back. A field the value lacks takes its default: the parameterless constructor's (a property's initializer),
/// or the primary constructor's parameter default; a field the type no longer has is skipped.
/// </summary>
internal sealed class RecordFields
{
    private static readonly ConcurrentDictionary<Type, RecordFields?> Plans = new();

    private readonly Func<object>? _construct;
    private readonly Func<object?[], object>? _constructWith;
    private readonly int[] _parameterMembers = [];
    private readonly object?[] _parameterDefaults = [];

    private RecordFields(Type type, FieldMember[] members)
    {
        Type = type;
        Members = members;
        var parameterless = type.GetConstructor(BindingFlags.Instance | BindingFlags.Public, Type.EmptyTypes);
        var positional = Positional(type, members);
        if (positional is not null)
        {
            // The parameter's attribute renames its property's field (a positional record's usual spelling).
            var parameters = positional.GetParameters();
            _parameterMembers = [.. parameters.Select(p => Array.FindIndex(members, m => string.Equals(m.ClrName, p.Name, StringComparison.OrdinalIgnoreCase)))];
            for (var i = 0; i < parameters.Length; i++)
            {
                if (parameters[i].GetCustomAttribute<ManagedFieldAttribute>() is { } renamed)
                {
                    members[_parameterMembers[i]].Rename(renamed);
                }
            }
            _parameterDefaults = [.. parameters.Select(DefaultOf)];
            if (parameterless is null)
            {
                _constructWith = Compile(positional);
            }
        }
        if (parameterless is not null)
        {
            _construct = Expression.Lambda<Func<object>>(Expression.Convert(Expression.New(parameterless), typeof(object))).Compile();
        }
    }

    public Type Type { get; }

    /// <summary>The fields, in the order they are written.</summary>
    public FieldMember[] Members { get; }

    /// <summary>The plan of <paramref name="type"/>; null for a type written otherwise (the framework's, abstract, a proxy).</summary>
    public static RecordFields? For(Type type) => Plans.GetOrAdd(type, static t => Eligible(t) ? new RecordFields(t, MembersOf(t)) : null);

    /// <summary>The member a stored field named <paramref name="name"/> (UTF-8) reads into, or -1; <paramref name="hint"/> is tried first.</summary>
    public int Find(ReadOnlySpan<byte> name, int hint)
    {
        if ((uint)hint < (uint)Members.Length && name.SequenceEqual(Members[hint].Utf8))
        {
            return hint;
        }
        for (var i = 0; i < Members.Length; i++)
        {
            if (Members[i].Answers(name))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>An instance with the fields <paramref name="present"/> set to <paramref name="values"/>, the others at their defaults.</summary>
    /// <exception cref="ManagedSerializationException">The type's constructor refused them.</exception>
    public object Create(object?[] values, bool[] present)
    {
        object instance;
        var set = present;
        try
        {
            if (_construct is not null)
            {
                instance = _construct();
            }
            else if (_constructWith is not null)
            {
                var arguments = new object?[_parameterMembers.Length];
                set = (bool[])present.Clone();
                for (var i = 0; i < arguments.Length; i++)
                {
                    var member = _parameterMembers[i];
                    arguments[i] = member >= 0 && present[member] ? values[member] : _parameterDefaults[i];
                    if (member >= 0)
                    {
                        set[member] = false;
                    }
                }
                instance = _constructWith(arguments);
            }
            else
            {
                instance = RuntimeHelpers.GetUninitializedObject(Type);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ManagedSerializationException(Type, "its constructor refused the stored fields: " + e.Message, e);
        }
        for (var i = 0; i < Members.Length; i++)
        {
            if (set[i])
            {
                Members[i].Set(instance, values[i]);
            }
        }
        return instance;
    }

    /// <summary>Whether a type is written field by field: the application's own, concrete, and no proxy.</summary>
    private static bool Eligible(Type type)
    {
        if (type.IsAbstract || type.IsInterface || type.IsArray || type.IsPointer || type.IsByRefLike || type.IsPrimitive
            || type.ContainsGenericParameters || type.IsEnum || typeof(IManagedProxy).IsAssignableFrom(type) || typeof(Delegate).IsAssignableFrom(type))
        {
            return false;
        }
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            if (Foreign(t.Assembly.GetName().Name))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The framework's assemblies (and the libraries beneath ManagedActors), whose types Hyperion writes as they are.</summary>
    private static bool Foreign(string? assembly) =>
        assembly is null or "System.Private.CoreLib" or "mscorlib" or "netstandard" or "Hyperion"
        || assembly.StartsWith("System.", StringComparison.Ordinal) || assembly.StartsWith("Microsoft.", StringComparison.Ordinal)
        || assembly.StartsWith("Akka", StringComparison.Ordinal);

    private static FieldMember[] MembersOf(Type type)
    {
        var members = new List<FieldMember>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var clrName = BackingProperty(field.Name) ?? field.Name;
                var property = clrName == field.Name ? null
                    : t.GetProperty(clrName, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
                var attribute = field.GetCustomAttribute<ManagedFieldAttribute>() ?? property?.GetCustomAttribute<ManagedFieldAttribute>();
                var member = new FieldMember(field, clrName, attribute);
                if (!names.Add(member.Name))
                {
                    // A base class's field of the same name: named by its class as well.
                    member.Rename(new ManagedFieldAttribute(t.Name + "." + member.Name));
                    names.Add(member.Name);
                }
                members.Add(member);
            }
        }
        return [.. members];
    }

    /// <summary>The property whose compiler-made field this is (<c>&lt;Name&gt;k__BackingField</c>), or null.</summary>
    private static string? BackingProperty(string fieldName) =>
        fieldName.StartsWith('<') && fieldName.EndsWith(">k__BackingField", StringComparison.Ordinal)
            ? fieldName[1..fieldName.IndexOf('>', StringComparison.Ordinal)]
            : null;

    /// <summary>The public constructor with the most parameters whose every parameter names a field (a positional record's).</summary>
    private static ConstructorInfo? Positional(Type type, FieldMember[] members) =>
        type.GetConstructors(BindingFlags.Instance | BindingFlags.Public)
            .Where(c => c.GetParameters() is { Length: > 0 } parameters
                && parameters.All(p => !p.ParameterType.IsByRef && members.Any(m => string.Equals(m.ClrName, p.Name, StringComparison.OrdinalIgnoreCase) && p.ParameterType.IsAssignableFrom(m.Type))))
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();

    private static object? DefaultOf(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (parameter.HasDefaultValue && parameter.DefaultValue is { } value)
        {
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            return underlying.IsEnum ? Enum.ToObject(underlying, value) : value;
        }
        return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? RuntimeHelpers.GetUninitializedObject(type) : null;
    }

    private static Func<object?[], object> Compile(ConstructorInfo constructor)
    {
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var values = constructor.GetParameters().Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType));
        return Expression.Lambda<Func<object?[], object>>(Expression.Convert(Expression.New(constructor, values), typeof(object)), arguments).Compile();
    }
}

/// <summary>One field of a <see cref="RecordFields"/> plan: its name in stored values, its aliases, and compiled access.</summary>
internal sealed class FieldMember
{
    private readonly Action<object, object?> _set;
    private byte[][] _aliases = [];

    public FieldMember(FieldInfo field, string clrName, ManagedFieldAttribute? attribute)
    {
        Field = field;
        ClrName = clrName;
        Name = clrName;
        Utf8 = Encoding.UTF8.GetBytes(clrName);
        Get = Getter(field);
        _set = Setter(field);
        if (attribute is not null)
        {
            Rename(attribute);
        }
    }

    public FieldInfo Field { get; }

    public Type Type => Field.FieldType;

    /// <summary>The property's name for a compiler-made field, else the field's.</summary>
    public string ClrName { get; }

    /// <summary>Its name in stored values.</summary>
    public string Name { get; private set; }

    public byte[] Utf8 { get; private set; }

    public Func<object, object?> Get { get; }

    public void Rename(ManagedFieldAttribute attribute)
    {
        Name = attribute.Name ?? Name;
        Utf8 = Encoding.UTF8.GetBytes(Name);
        _aliases = [.. _aliases, .. attribute.Aliases.Select(Encoding.UTF8.GetBytes)];
    }

    public bool Answers(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual(Utf8))
        {
            return true;
        }
        foreach (var alias in _aliases)
        {
            if (name.SequenceEqual(alias))
            {
                return true;
            }
        }
        return false;
    }

    public void Set(object instance, object? value) => _set(instance, value);

    private static Func<object, object?> Getter(FieldInfo field)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var read = Expression.Field(Expression.Convert(instance, field.DeclaringType!), field);
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(read, typeof(object)), instance).Compile();
    }

    /// <summary>A setter that writes read-only fields too (a record's init-only properties), into the boxed struct itself for a struct.</summary>
    private static Action<object, object?> Setter(FieldInfo field)
    {
        var declaring = field.DeclaringType!;
        var method = new DynamicMethod("set_" + field.Name, null, [typeof(object), typeof(object)], typeof(FieldMember).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(declaring.IsValueType ? OpCodes.Unbox : OpCodes.Castclass, declaring);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Unbox_Any, field.FieldType);
        il.Emit(OpCodes.Stfld, field);
        il.Emit(OpCodes.Ret);
        return (Action<object, object?>)method.CreateDelegate(typeof(Action<object, object?>));
    }
}
