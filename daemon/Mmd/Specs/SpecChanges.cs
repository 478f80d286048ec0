using Google.Protobuf;
using Google.Protobuf.Reflection;
using GrpcMM.Protos.V1;

namespace Mmd.Specs;

/// <summary>One field an update changes: its path ("risk.max_position") and its value before and after.</summary>
public sealed record SpecChange(string Path, string From, string To);

/// <summary>What an update of an instance's spec changes, and what it may not change.</summary>
public static class SpecChanges
{
    /// <summary>
    /// The fields that say where the instance's orders and position live: its journal, reconciliation and client order
    /// ids are of that market and account, so another one is another instance.
    /// </summary>
    private static readonly (string Field, Func<InstanceSpec, object> Of)[] Identity =
    [
        ("venue", s => s.Venue.Length == 0 ? "paper" : s.Venue),
        ("symbol", s => s.Symbol),
        ("strategy", s => s.StrategyCase),
        ("maker_taker_hedge.hedge_venue", s => s.MakerTakerHedge?.HedgeVenue ?? ""),
        ("maker_taker_hedge.hedge_symbol", s => s.MakerTakerHedge?.HedgeSymbol ?? ""),
        ("paper.account", s => s.Paper?.Account ?? ""),
        ("backpack.client_id_tag", s => SpecValidator.TradesOn(s, "backpack") ? SpecValidator.BackpackTagOf(s.Backpack, s.Name) : 0u),
        ("aster.testnet", s => s.Aster?.Testnet ?? false),
    ];

    /// <summary>A violation for each field that says where the orders live and differs; none when the update may go ahead.</summary>
    public static IReadOnlyList<FieldViolation> Refused(InstanceSpec current, InstanceSpec updated) =>
        Identity.Where(f => !Equals(f.Of(current), f.Of(updated)))
            .Select(f => new FieldViolation(f.Field,
                $"cannot change on an existing instance (from '{Text(f.Of(current))}' to '{Text(f.Of(updated))}'): its orders, position and journal are "
                + "where it trades now; create another instance for another market or account"))
            .ToList();

    /// <summary>The paths of the fields that differ ("risk.max_position"), in field order; a duration or a list is one field.</summary>
    public static IReadOnlyList<string> Paths(IMessage current, IMessage updated) => [.. Diff(current, updated).Select(c => c.Path)];

    /// <summary>The fields that differ, in field order, each with its value before and after as an operator reads it.</summary>
    public static IReadOnlyList<SpecChange> Diff(IMessage current, IMessage updated)
    {
        var changes = new List<SpecChange>();
        Collect(current, updated, "", changes);
        return changes;
    }

    private static void Collect(IMessage a, IMessage b, string prefix, List<SpecChange> changes)
    {
        foreach (var field in a.Descriptor.Fields.InFieldNumberOrder())
        {
            var (va, vb) = (field.Accessor.GetValue(a), field.Accessor.GetValue(b));
            var path = prefix + field.Name;
            if (field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap && field.MessageType.File.Package != "google.protobuf")
            {
                // An absent section and an empty one say the same: compare field by field with the defaults.
                if (va is not null || vb is not null)
                    Collect(va as IMessage ?? Empty(field), vb as IMessage ?? Empty(field), path + ".", changes);
            }
            else if (!Equals(va, vb) || Present(field, a) != Present(field, b))
                changes.Add(new SpecChange(path, Present(field, a) ? ValueText(field, va) : "(unset)", Present(field, b) ? ValueText(field, vb) : "(unset)"));
        }
    }

    /// <summary>
    /// Whether the field is set: an optional field (rebalance_enabled) reads as its type's default when absent, yet absent
    /// (the strategy's default, on) and false say different things.
    /// </summary>
    private static bool Present(FieldDescriptor field, IMessage message) =>
        !field.HasPresence || field.IsRepeated || field.Accessor.HasValue(message);

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    /// <summary>A field's value as the spec file writes it ("90s", "0.2", "RESTART_POLICY_ALWAYS"); "(unset)" when it is absent or empty.</summary>
    private static string ValueText(FieldDescriptor field, object? value) => value switch
    {
        null or "" => "(unset)",
        string text => text,
        Enum e when field.FieldType == FieldType.Enum => field.EnumType.FindValueByNumber(Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture))?.Name ?? e.ToString(),
        IMessage message => Formatter.Format(message).Trim('"'),
        System.Collections.ICollection { Count: 0 } => "(unset)",
        System.Collections.IEnumerable => value.ToString() ?? "", // a list or map: as JSON
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static IMessage Empty(FieldDescriptor field) => field.MessageType.Parser.ParseFrom(ByteString.Empty);

    private static string Text(object value) => value switch
    {
        InstanceSpec.StrategyOneofCase c => c.ToString(),
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "",
    };
}
