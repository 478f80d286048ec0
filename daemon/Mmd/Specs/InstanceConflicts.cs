using GrpcMM.Protos.V1;

namespace Mmd.Specs;

/// <summary>
/// What two instances on one account must not share: the client-id tag their venue's numeric order ids carry. Two with
/// one tag would take each other's orders for their own (adopt them, cancel them). The daemon refuses the second such
/// instance, `mmd check` says so of a folder of specs meant to run side by side, and a worker holds a lock per tag.
/// </summary>
public static class InstanceConflicts
{
    /// <summary>A client-id tag an instance numbers its orders in on a venue.</summary>
    public sealed record ClientIdTag(string Venue, uint Tag)
    {
        public override string ToString() => Venue == "lighter" ? $"Lighter's client-id tag {Tag} (a hash of the name)" : $"Backpack's client-id tag {Tag}";

        /// <summary>The field to change so that it is another.</summary>
        public string Field => Venue == "lighter" ? "name" : "backpack.client_id_tag";
    }

    /// <summary>The tags of an instance that trades on Backpack (its set or derived tag) or Lighter (a hash of its name).</summary>
    public static IReadOnlyList<ClientIdTag> TagsOf(ValidatedSpec spec) => Tags(spec.Name, spec.Uses, spec.BackpackClientIdTag);

    /// <inheritdoc cref="TagsOf(ValidatedSpec)"/>
    public static IReadOnlyList<ClientIdTag> TagsOf(string name, InstanceSpec spec) =>
        Tags(name, venue => SpecValidator.TradesOn(spec, venue), SpecValidator.BackpackTagOf(spec.Backpack, name));

    private static List<ClientIdTag> Tags(string name, Func<string, bool> uses, uint backpackTag)
    {
        var tags = new List<ClientIdTag>(2);
        if (uses("backpack")) tags.Add(new ClientIdTag("backpack", backpackTag));
        if (uses("lighter")) tags.Add(new ClientIdTag("lighter", Exchanges.Shared.NumericClientIds.DefaultTag(name, Exchanges.Lighter.LighterConnector.MaxTag)));
        return tags;
    }

    /// <summary>The field <paramref name="candidate"/> would clash on beside <paramref name="others"/> (name and spec each); null when none.</summary>
    public static FieldViolation? Find(ValidatedSpec candidate, IEnumerable<(string Name, InstanceSpec Spec)> others)
    {
        var mine = TagsOf(candidate);
        if (mine.Count == 0) return null;
        foreach (var (name, spec) in others)
        {
            if (name == candidate.Name) continue;
            if (TagsOf(name, spec).Intersect(mine).FirstOrDefault() is { } shared)
                return new FieldViolation(shared.Field, $"{shared} is already used by instance '{name}'; {Remedy(shared)}");
        }
        return null;
    }

    /// <summary>How to give an instance another tag.</summary>
    public static string Remedy(ClientIdTag tag) =>
        tag.Venue == "lighter" ? "choose another name" : "set backpack.client_id_tag to another value (1-1023)";
}
