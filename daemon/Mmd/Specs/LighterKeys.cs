using GrpcMM.Protos.V1;
using Mmd.Exchanges.Lighter;

namespace Mmd.Specs;

/// <summary>
/// The Lighter API key an instance signs its transactions with, and the clash of two started instances on one. Lighter
/// takes each key's nonces strictly in order: two workers counting one key's nonces refuse each other's orders and
/// cancels ("invalid nonce"), and each refused one waits for the nonce to be read again at the account's scarce read
/// rate (seen with three instances on one key: order answers 10 to 70 s, and stops that could not confirm a flat book).
/// </summary>
public static class LighterKeys
{
    /// <summary>
    /// The key an instance trading on Lighter signs with, said so that one key reads the same: its spec's own index, else
    /// the daemon's (its index when known); null when it trades elsewhere.
    /// </summary>
    public static string? KeyOf(InstanceSpec spec, int? daemonKey) =>
        !SpecValidator.TradesOn(spec, "lighter") ? null
        : spec.Lighter is { HasApiKeyIndex: true } own ? $"API key {own.ApiKeyIndex}"
        : daemonKey is { } key ? $"API key {key}" : "the daemon's API key";

    /// <summary>
    /// Why <paramref name="name"/> may not start beside <paramref name="started"/> (each name and spec); null when it may.
    /// <paramref name="daemonKey"/> null: the daemon's key is not known here (`mmd check`), and instances without a key of
    /// their own share it all the same. <paramref name="others"/> names what the others are ("started instance").
    /// </summary>
    public static string? Clash(string name, InstanceSpec spec, int? daemonKey, IEnumerable<(string Name, InstanceSpec Spec)> started, string others = "started instance")
    {
        if (KeyOf(spec, daemonKey) is not { } key) return null;
        foreach (var (other, otherSpec) in started)
        {
            if (other == name || KeyOf(otherSpec, daemonKey) != key) continue;
            var whose = spec.Lighter is { HasApiKeyIndex: true } ? "" : daemonKey is null ? $" ({LighterCredentials.ApiKeyVariable})" : $" (the daemon's, {LighterCredentials.ApiKeyVariable})";
            return $"instance '{name}' would sign its Lighter orders with {key}{whose}, as {others} '{other}' does: Lighter takes a key's "
                + "nonces in order, so the two would refuse each other's orders and cancels; give one of them a key of its own, registered on the "
                + $"account: spec lighter.apiKeyIndex N, its private key in {LighterCredentials.PrivateKeyVariable}_N (the environment or the secrets file)";
        }
        return null;
    }
}
