using System.Text.Json;
using System.Text.Json.Serialization;

namespace ManagedActors.Host;

/// <summary>How the tool writes JSON: camelCase names, enums by name, nulls left out, one object per line unless indented.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
