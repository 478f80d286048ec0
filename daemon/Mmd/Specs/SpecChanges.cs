using Google.Protobuf;
using Google.Protobuf.Reflection;
using GrpcMM.Protos.V1;

namespace Mmd.Specs;

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
    public static IReadOnlyList<string> Paths(IMessage current, IMessage updated)
    {
        var paths = new List<string>();
        Collect(current, updated, "", paths);
        return paths;
    }

    private static void Collect(IMessage a, IMessage b, string prefix, List<string> paths)
    {
        foreach (var field in a.Descriptor.Fields.InFieldNumberOrder())
        {
            var (va, vb) = (field.Accessor.GetValue(a), field.Accessor.GetValue(b));
            var path = prefix + field.Name;
            if (field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap && field.MessageType.File.Package != "google.protobuf")
            {
                // An absent section and an empty one say the same: compare field by field with the defaults.
                if (va is not null || vb is not null)
                    Collect(va as IMessage ?? Empty(field), vb as IMessage ?? Empty(field), path + ".", paths);
            }
            else if (!Equals(va, vb)) paths.Add(path);
        }
    }

    private static IMessage Empty(FieldDescriptor field) => field.MessageType.Parser.ParseFrom(ByteString.Empty);

    private static string Text(object value) => value switch
    {
        InstanceSpec.StrategyOneofCase c => c.ToString(),
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "",
    };
}
