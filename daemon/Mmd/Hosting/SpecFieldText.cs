using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using GrpcMM.Protos.V1;
using Mmd.Specs;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace Mmd.Hosting;

/// <summary>
/// A spec field set from command-line text (<c>mmd run</c>'s strategy flags, <c>mmd backtest --vary</c>): the field's
/// type says how the text is read, and a text the type cannot hold is a violation naming the field.
/// </summary>
internal static class SpecFieldText
{
    /// <summary>
    /// The field a dotted path names in <paramref name="spec"/> (proto or JSON names: <c>spot_market_making.spread_pct</c>
    /// or <c>spotMarketMaking.spreadPct</c>), with the message that holds it, created where the spec has none yet.
    /// </summary>
    /// <returns>The field's proto path (<c>spot_market_making.spread_pct</c>), or null with <paramref name="error"/> said.</returns>
    public static string? Resolve(InstanceSpec spec, string path, out IMessage holder, out FieldDescriptor field, out string error)
    {
        IMessage message = spec;
        holder = spec;
        field = null!;
        error = "";
        var names = new List<string>();
        var segments = path.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            var where = names.Count == 0 ? "the spec" : string.Join('.', names);
            var fields = message.Descriptor.Fields.InDeclarationOrder();
            var f = fields.FirstOrDefault(x => x.Name == segments[i] || x.JsonName == segments[i]);
            if (f is null)
            {
                error = $"{where} has no field '{segments[i]}' (it has {string.Join(", ", fields.Select(x => x.Name))})";
                return null;
            }
            if (f.RealContainingOneof is { } oneof && oneof.Accessor.GetCaseFieldDescriptor(message) is { } chosen && chosen != f)
            {
                error = $"the spec's {oneof.Name} is {chosen.Name}, so {f.Name} does not apply";
                return null;
            }
            names.Add(f.Name);
            if (i == segments.Length - 1)
            {
                if (f.IsRepeated || f.IsMap) { error = $"{string.Join('.', names)} is a list: set it in the spec file"; return null; }
                if (f.FieldType == FieldType.Message && f.MessageType.FullName != Duration.Descriptor.FullName)
                {
                    error = $"{string.Join('.', names)} holds fields, not a value: name one of them";
                    return null;
                }
                holder = message;
                field = f;
                return string.Join('.', names);
            }
            if (f.FieldType != FieldType.Message || f.IsRepeated || f.IsMap || f.MessageType.FullName == Duration.Descriptor.FullName)
            {
                error = $"{string.Join('.', names)} holds a value, not fields";
                return null;
            }
            if (f.Accessor.GetValue(message) is not IMessage inner)
            {
                inner = (IMessage)Activator.CreateInstance(f.MessageType.ClrType)!;
                f.Accessor.SetValue(message, inner);
            }
            message = inner;
        }
        error = "an empty path";
        return null;
    }

    /// <summary>
    /// Reads <paramref name="text"/> as the field's type: a decimal string (<c>auto</c> for an order quantity), a whole
    /// number, true or false, a duration (90, 90s, 15m, 2h), or an enum by its short name (<c>geometric</c>).
    /// </summary>
    public static void Set(IMessage holder, FieldDescriptor f, string field, string text, List<FieldViolation> errors)
    {
        switch (f.FieldType)
        {
            case FieldType.String:
                f.Accessor.SetValue(holder, f.Name == "order_quantity" && text.Equals("auto", StringComparison.OrdinalIgnoreCase) ? "" : text);
                break;
            case FieldType.UInt32:
                if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u32)) f.Accessor.SetValue(holder, u32);
                else errors.Add(new(field, $"'{text}' is not a whole number"));
                break;
            case FieldType.UInt64:
                if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u64)) f.Accessor.SetValue(holder, u64);
                else errors.Add(new(field, $"'{text}' is not a whole number"));
                break;
            case FieldType.Bool:
                if (bool.TryParse(text, out var b)) f.Accessor.SetValue(holder, b);
                else errors.Add(new(field, $"'{text}' is not true or false"));
                break;
            case FieldType.Message when f.MessageType.FullName == Duration.Descriptor.FullName:
                if (RunCommand.ParseDuration(text, field, errors) is { } d) f.Accessor.SetValue(holder, Duration.FromTimeSpan(d));
                break;
            case FieldType.Enum:
                // "geometric" -> GRID_MODE_GEOMETRIC, "long" -> GRID_TYPE_LONG, "emergency_close" -> BOUNDARY_ACTION_EMERGENCY_CLOSE
                var value = f.EnumType.Values.FirstOrDefault(v => v.Number != 0 && v.Name.EndsWith("_" + text.ToUpperInvariant(), StringComparison.Ordinal));
                if (value is not null) f.Accessor.SetValue(holder, value.Number);
                else errors.Add(new(field, $"'{text}' is not one of {string.Join(", ", f.EnumType.Values.Where(v => v.Number != 0).Select(v => ShortName(v.Name, f.EnumType.Values)))}"));
                break;
            default:
                errors.Add(new(field, "cannot be set from the command line"));
                break;
        }
    }

    private static string ShortName(string name, IList<EnumValueDescriptor> values)
    {
        var prefix = values[0].Name[..(values[0].Name.LastIndexOf("UNSPECIFIED", StringComparison.Ordinal))];
        return name[prefix.Length..].ToLowerInvariant();
    }
}
