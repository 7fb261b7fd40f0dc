using ManagedActors.Codec;
using ManagedActors.Protocol;
using ManagedActors.Runtime;

namespace ManagedActors.Journaling;

/// <summary>
/// Names journaled calls by their methods' journal keys (<see cref="ContractMethod.JournalKey"/>), not by their wire
/// ids, which hash the interface's full name and the parameter types and so change with the first refactor. On
/// recovery a key finds the method that has it as its key or as an alias and takes as many arguments; a call journaled
/// before a parameter with a default value was added gets that default. A key nothing maps refuses the recovery with a
/// <see cref="JournalVersionException"/> that says what to write.
/// </summary>
internal static class JournalKeys
{
    /// <summary>The journal keys of a batch's calls, which all ran on <paramref name="binding"/>'s object.</summary>
    public static string[] Of(ObjectBinding binding, CallRequest[] items)
    {
        var keys = new string[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            keys[i] = binding.TryFind(items[i].MethodId, out var method)
                ? method.Contract.JournalKey
                : throw new InvalidOperationException($"A journaled call names no method of {binding.Contract.Definition} (id {items[i].MethodId:x8}).");
        }
        return keys;
    }

    /// <summary>
    /// The calls of <paramref name="calls"/> with the wire ids of the methods their keys name now (the event's own ids
    /// when it was written before keys).
    /// </summary>
    /// <param name="calls">A journaled batch.</param>
    /// <param name="contract">The object's interface as this code declares it.</param>
    /// <param name="codec">Reads and writes the arguments of a call that needs a default added.</param>
    /// <param name="what">The object, as the error names it.</param>
    /// <param name="sequenceNr">The event's sequence number, as the error names it.</param>
    /// <exception cref="JournalVersionException">A key that no method of <paramref name="contract"/> maps.</exception>
    /// <param name="upcasters">What rewrites calls of changed methods first (a registered type's).</param>
    public static CallRequest[] Resolve(
        JournaledCalls calls, InterfaceContract contract, ValueCodec codec, string what, long sequenceNr, IReadOnlyList<CallUpcaster> upcasters)
    {
        if (calls.Keys is not { } keys)
        {
            // Written before keys: a call's wire id must still name a method, or the call would be dropped unseen.
            foreach (var item in calls.Items)
            {
                if (!contract.RemoteMethods.Any(m => m.Id == item.MethodId))
                {
                    throw new JournalVersionException(
                        $"The journal of {what} holds, at event {sequenceNr}, a call (method id {item.MethodId:x8}, written before journal keys) " +
                        $"that no method of {contract.Definition.Name} has any more: its name, interface or parameter types changed. Run the code " +
                        "that wrote it until the object has a snapshot, or bring the method back as it was.");
                }
            }
            return calls.Items;
        }
        var items = new CallRequest[calls.Items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var (key, args) = (keys[i], calls.Items[i].Args);
            var count = new WireReader(args).ReadCount();
            if (upcasters.Count > 0 && upcasters.FirstOrDefault(u => u.JournalKey == key && u.Arguments == count) is { } upcaster)
            {
                (key, args, count) = Upcast(upcaster, codec, args, $"{what} holds, at event {sequenceNr}, a call of '{key}'");
            }
            if (Find(contract, key, count) is not var (method, missing))
            {
                throw new JournalVersionException(
                    $"The journal of {what} holds, at event {sequenceNr}, a call of '{key}' with {count} argument(s), which no method of " +
                    $"{contract.Definition.Name} maps. Put [ManagedMethod(Aliases = [\"{key}\"])] on the method that replaces it (a parameter " +
                    "it added needs a default value), register an upcaster for it (ManagerOptions.Upcast), or bring the method back; until then " +
                    "the object answers every call with this error.");
            }
            items[i] = new CallRequest(calls.Items[i].CallId, method.Id, missing == 0 ? args : WithDefaults(codec, args, method, missing));
        }
        return items;
    }

    /// <summary>The method <paramref name="key"/> names with <paramref name="count"/> arguments, and how many trailing defaults it needs.</summary>
    private static (ContractMethod Method, int Missing)? Find(InterfaceContract contract, string key, int count)
    {
        if (!contract.JournalKeys.TryGetValue(key, out var candidates))
        {
            return null;
        }
        foreach (var method in candidates.OrderBy(m => m.WireParameters.Length))
        {
            var given = count - (method.IsOwnerBound ? 1 : 0);
            var missing = method.WireParameters.Length - given;
            if (missing == 0 || (missing > 0 && method.WireParameters[given..].All(p => p.HasDefaultValue)))
            {
                return (method, missing);
            }
        }
        return null;
    }

    /// <summary>The call <paramref name="upcaster"/> makes of a journaled one: its key, its encoded arguments and their count.</summary>
    private static (string Key, byte[] Args, int Count) Upcast(CallUpcaster upcaster, ValueCodec codec, byte[] args, string what)
    {
        JournaledCall call;
        try
        {
            call = upcaster.Upcast(codec.DecodeAll(args));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new JournalVersionException($"The journal of {what}, which its upcaster failed on: {e.GetType().Name}: {e.Message}");
        }
        return (call.JournalKey, codec.EncodeAll(call.Arguments), call.Arguments.Count);
    }

    private static byte[] WithDefaults(ValueCodec codec, byte[] args, ContractMethod method, int missing)
    {
        var values = codec.DecodeAll(args).ToList();
        var at = values.Count - (method.IsOwnerBound ? 1 : 0);
        var defaults = method.WireParameters[^missing..].Select(p => p.DefaultValue is DBNull or System.Reflection.Missing ? null : p.DefaultValue);
        values.InsertRange(at, defaults);
        return codec.EncodeAll(values);
    }
}
