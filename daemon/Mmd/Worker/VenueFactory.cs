using Mmd.Configuration;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Backpack;
using Mmd.Exchanges.Lighter;
using Mmd.Exchanges.Paper;
using Mmd.Exchanges.Paradex;
using Mmd.Specs;
using Mmd.Trading.Execution;

namespace Mmd.Worker;

/// <summary>Builds the connectors a spec names, with daemon.json's endpoints and the credentials of the environment or secrets file.</summary>
public static class VenueFactory
{
    /// <summary>The connector of <paramref name="venue"/> for this instance (its hedge market's, for a cross-venue hedge).</summary>
    /// <param name="shares">The venues' request shares, taken before the first request: null, alone on the venue.</param>
    public static Task<IExchangeConnector> CreateAsync(string venue, ValidatedSpec spec, DaemonConfig config, TimeProvider time, CancellationToken cancellationToken,
        VenueShares? shares = null) => CreateAsync(venue, VenueSettings.Of(spec), config, time, cancellationToken, shares);

    /// <summary>The connector of <paramref name="venue"/> with these settings, its credentials checked by connecting.</summary>
    public static async Task<IExchangeConnector> CreateAsync(string venue, VenueSettings settings, DaemonConfig config, TimeProvider time, CancellationToken cancellationToken,
        VenueShares? shares = null)
    {
        var (connector, connect) = Build(venue, settings, config, time, Credentials(config));
        return connect is null ? connector : await ConnectedAsync(connector, connect, shares, cancellationToken);
    }

    /// <summary>
    /// The connector of <paramref name="venue"/> for its public data only (its markets, its order books), with no
    /// credentials and nothing asked of the venue yet: every venue publishes these to anyone. Any call on an account fails.
    /// </summary>
    public static IExchangeConnector CreatePublic(string venue, VenueSettings settings, DaemonConfig config, TimeProvider time) =>
        Build(venue, settings, config, time, credentials: null).Connector;

    /// <summary>
    /// The connector, and how it connects (checks the clock and the credentials; null for the paper venue). Without
    /// <paramref name="credentials"/> it is built for public data: no key is read (and it is not to be connected).
    /// </summary>
    private static (IExchangeConnector Connector, Func<CancellationToken, Task>? Connect) Build(string venue, VenueSettings settings, DaemonConfig config, TimeProvider time,
        IReadOnlyDictionary<string, string>? credentials)
    {
        switch (venue)
        {
            case "paper":
                var exchange = new PaperExchange(settings.Paper with { StateDirectory = Path.Combine(config.StateDir, "paper") }, time);
                if (!settings.ReadOnly) exchange.Start();
                return (new PaperConnector(exchange, settings.Paper.Account, ownsExchange: true), null);
            case "backpack":
                var backpack = new BackpackConnector(BackpackOptionsFrom(config.Venues.GetValueOrDefault("backpack")) with { MarginFlags = settings.BackpackMarginFlags },
                    credentials is null ? null : BackpackCredentials.From(credentials), settings.InstanceName, settings.BackpackClientIdTag, time);
                return (backpack, backpack.ConnectAsync);
            case "aster":
                var aster = new AsterConnector(AsterOptionsFrom(config.Venues.GetValueOrDefault("aster"), settings.Aster), credentials is null ? null
                    : AsterCredentials.From(credentials, settings.Aster.Signing, settings.Aster.Testnet ? AsterEip712Signer.TestnetChainId : AsterEip712Signer.MainnetChainId), time);
                return (aster, aster.ConnectAsync);
            case "paradex":
                // The chain the orders are signed for is read from the venue (/v1/system/config): mainnet or testnet is the URL.
                var paradex = new ParadexConnector(ParadexOptionsFrom(config.Venues.GetValueOrDefault("paradex")), credentials is null ? null : ParadexCredentials.From(credentials), time);
                return (paradex, paradex.ConnectAsync);
            case "lighter":
                // Connecting checks that the venue holds this key's public key on its API key index.
                var lighter = new LighterConnector(LighterOptionsFrom(config.Venues.GetValueOrDefault("lighter")) with { DeadManCountdown = settings.LighterDeadManCountdown },
                    credentials is null ? null : LighterCredentials.From(credentials, settings.LighterApiKeyIndex), settings.InstanceName, time);
                return (lighter, lighter.ConnectAsync);
            default:
                throw new InvalidOperationException($"venue '{venue}' is not available");
        }
    }

    /// <summary>The connector once connected (clock and credentials checked); disposed when that fails.</summary>
    private static async Task<IExchangeConnector> ConnectedAsync(IExchangeConnector connector, Func<CancellationToken, Task> connect, VenueShares? shares,
        CancellationToken cancellationToken)
    {
        shares?.Register(connector);
        try
        {
            await connect(cancellationToken);
        }
        catch
        {
            await connector.DisposeAsync();
            throw;
        }
        return connector;
    }

    private static BackpackOptions BackpackOptionsFrom(VenueEndpoints? endpoints)
    {
        var options = new BackpackOptions();
        if (endpoints is null) return options;
        return options with
        {
            RestBaseUrl = endpoints.RestUrl is { } rest ? new Uri(rest) : options.RestBaseUrl,
            WebSocketUrl = endpoints.WsUrl is { } ws ? new Uri(ws) : options.WebSocketUrl,
            Window = endpoints.WindowMs is { } window ? TimeSpan.FromMilliseconds(window) : options.Window,
            RequestsPerSecond = endpoints.RequestsPerSecond ?? options.RequestsPerSecond,
            Burst = endpoints.RequestsPerSecond ?? options.Burst,
        };
    }

    private static AsterOptions AsterOptionsFrom(VenueEndpoints? endpoints, AsterVenue spec)
    {
        var options = new AsterOptions
        {
            Signing = spec.Signing,
            ChainId = spec.Testnet ? AsterEip712Signer.TestnetChainId : AsterEip712Signer.MainnetChainId,
            DeadManCountdown = spec.DeadManCountdown,
        };
        if (endpoints is null) return options;
        return options with
        {
            RestBaseUrl = endpoints.RestUrl is { } rest ? new Uri(rest) : options.RestBaseUrl,
            WebSocketUrl = endpoints.WsUrl is { } ws ? new Uri(ws) : options.WebSocketUrl,
            RecvWindow = endpoints.WindowMs is { } window ? TimeSpan.FromMilliseconds(window) : options.RecvWindow,
        };
    }

    private static ParadexOptions ParadexOptionsFrom(VenueEndpoints? endpoints)
    {
        var options = new ParadexOptions();
        if (endpoints is null) return options;
        return options with
        {
            RestBaseUrl = endpoints.RestUrl is { } rest ? new Uri(rest) : options.RestBaseUrl,
            WebSocketUrl = endpoints.WsUrl is { } ws ? new Uri(ws) : options.WebSocketUrl,
            RecvWindow = endpoints.WindowMs is { } window ? TimeSpan.FromMilliseconds(window) : options.RecvWindow,
            RequestsPerSecond = endpoints.RequestsPerSecond ?? options.RequestsPerSecond,
        };
    }

    private static LighterOptions LighterOptionsFrom(VenueEndpoints? endpoints)
    {
        var options = new LighterOptions();
        if (endpoints is null) return options;
        return options with
        {
            RestBaseUrl = endpoints.RestUrl is { } rest ? new Uri(rest) : options.RestBaseUrl,
            WebSocketUrl = endpoints.WsUrl is { } ws ? new Uri(ws) : options.WebSocketUrl,
            ChainId = endpoints.ChainId ?? options.ChainId,
            RequestsPerSecond = endpoints.RequestsPerSecond ?? options.RequestsPerSecond,
        };
    }

    private static IReadOnlyDictionary<string, string> Credentials(DaemonConfig config) => SecretsFile.WithEnvironment(config.SecretsFile);
}
