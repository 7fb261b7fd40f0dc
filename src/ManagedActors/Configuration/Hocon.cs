using System.Globalization;
using System.Text;
using Akka.Configuration;

namespace ManagedActors.Configuration;

/// <summary>
/// A configuration layer made of values given in code (a hostname, a port, a timeout from the options), each written
/// as a quoted HOCON value here and nowhere else, so a value can never be read as HOCON syntax.
/// </summary>
internal static class Hocon
{
    /// <summary>The layer that sets each path to its value; null values are left out.</summary>
    /// <exception cref="ArgumentException">A value of a type HOCON has no literal for.</exception>
    public static Config Values(params (string Path, object? Value)[] values)
    {
        var text = new StringBuilder();
        foreach (var (path, value) in values)
        {
            if (value is not null)
            {
                text.Append(path).Append(" = ").Append(Literal(value)).Append('\n');
            }
        }
        return text.Length == 0 ? Config.Empty : ConfigurationFactory.ParseString(text.ToString());
    }

    private static string Literal(object value) => value switch
    {
        string s => Quote(s),
        bool b => b ? "on" : "off",
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        TimeSpan t => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms",
        IEnumerable<string> items => "[" + string.Join(", ", items.Select(Quote)) + "]",
        _ => throw new ArgumentException($"{value.GetType()} has no HOCON literal.", nameof(value)),
    };

    private static string Quote(string value)
    {
        var quoted = new StringBuilder("\"", value.Length + 2);
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        quoted.Append(c);
                    }
                    break;
            }
        }
        return quoted.Append('"').ToString();
    }
}
