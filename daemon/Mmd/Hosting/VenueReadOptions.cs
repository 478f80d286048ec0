using System.CommandLine;
using Mmd.Configuration;
using Mmd.Exchanges.Aster;
using Mmd.Exchanges.Backpack;
using Mmd.Exchanges.Lighter;
using Mmd.Exchanges.Paper;
using Mmd.Exchanges.Paradex;
using Mmd.Specs;
using Mmd.Worker;

namespace Mmd.Hosting;

/// <summary>The options the reading commands (<c>mmd account</c>, <c>markets</c>, <c>book</c>, <c>candles</c>, <c>analyze</c>, <c>deposit-address</c>) share: which venues, daemon.json, how Aster is signed for, the output.</summary>
internal sealed class VenueReadOptions
{
    /// <summary>The live venues, and the variables whose presence says their credentials are set.</summary>
    private static readonly (string Venue, string[] Variables)[] CredentialedVenues =
    [
        ("backpack", [BackpackCredentials.KeyVariable]),
        ("aster", [AsterCredentials.UserVariable, AsterCredentials.ApiKeyVariable]),
        ("paradex", [ParadexCredentials.AccountVariable]),
        ("lighter", [LighterCredentials.AccountVariable]),
    ];

    /// <summary>A name no instance can have (it is longer than 20 characters): the connectors number client ids under one.</summary>
    private const string ReaderName = "mmd-reads-no-orders-of-any-instance";

    /// <param name="venueDescription">What --venue means to the command (a command that reads one fixed venue leaves it out of its options).</param>
    /// <param name="csv">The command can write CSV too (-o csv).</param>
    public VenueReadOptions(string venueDescription = "", bool csv = false)
    {
        Venues = new("--venue") { Description = venueDescription, AllowMultipleArgumentsPerToken = true };
        AsterSigning.AcceptOnlyFromAmong("v3", "v1");
        Output.AcceptOnlyFromAmong(csv ? ["text", "json", "csv"] : ["text", "json"]);
        if (csv) Output.Description = "text (default), json (a JSON object a line) or csv";
    }

    public Option<string[]> Venues { get; }

    public Option<string?> Config { get; } = new("--config") { Description = "daemon.json to use (venue URLs, state dir, secrets file; default: MMD_CONFIG, then ./daemon.json)" };

    public Option<string?> AsterSigning { get; } = new("--aster-signing") { Description = "How Aster is signed for, v3 or v1 (default: the one whose variables are set)" };

    public Option<bool> AsterTestnet { get; } = new("--aster-testnet") { Description = "Aster's testnet chain" };

    public Option<string> Output { get; } = new("--output", "-o") { Description = "text (default), or json: a JSON object a line", DefaultValueFactory = _ => "text" };

    public IEnumerable<Option> All => [Venues, Config, AsterSigning, AsterTestnet, Output];

    public bool Json(ParseResult result) => result.GetValue(Output) == "json";

    public bool Csv(ParseResult result) => result.GetValue(Output) == "csv";

    /// <summary>daemon.json and the credentials (environment over the secrets file); null when either is wrong, which is said.</summary>
    public (DaemonConfig Config, IReadOnlyDictionary<string, string> Secrets)? Load(ParseResult result, string command)
    {
        try
        {
            var config = DaemonConfigLoader.Load(result.GetValue(Config), RunCommand.EnvironmentVariables());
            return (config, SecretsFile.WithEnvironment(config.SecretsFile));
        }
        catch (ConfigException ex)
        {
            Console.Error.WriteLine($"mmd {command}: configuration error: {ex.Message}");
            return null;
        }
    }

    /// <summary>The venues named, else every venue whose credentials are set (and the paper venue first, when <paramref name="paperByDefault"/>); or why none can be read.</summary>
    public (IReadOnlyList<string> Venues, string? Error) Choose(ParseResult result, IReadOnlyDictionary<string, string> secrets, bool paperByDefault)
    {
        var named = result.GetValue(Venues) ?? [];
        if (UnknownVenue(named) is { } unknown) return ([], unknown);
        if (named.Length > 0) return ([.. named.Distinct(StringComparer.Ordinal)], null);
        List<string> chosen = [.. CredentialedVenues.Where(c => c.Variables.Any(secrets.ContainsKey)).Select(c => c.Venue)];
        if (paperByDefault) chosen.Insert(0, "paper");
        return chosen.Count > 0 ? (chosen, null)
            : ([], "no venue credentials are set, in the environment or daemon.json's secretsFile ("
                + string.Join(", ", CredentialedVenues.Select(c => string.Join(" or ", c.Variables))) + "); or name a venue: --venue paper");
    }

    /// <summary>The one live venue named with --venue; null when none, several, an unknown one or the paper venue (<paramref name="noPaper"/>) was named, which is said.</summary>
    public string? OneLiveVenue(ParseResult result, string command, string noPaper)
    {
        var problem = result.GetValue(Venues) switch
        {
            not [_] => "name one venue: --venue backpack",
            [var venue] when UnknownVenue([venue]) is { } unknown => unknown,
            ["paper"] => noPaper,
            _ => null,
        };
        if (problem is null) return result.GetValue(Venues)![0];
        RunCommand.Fail($"mmd {command}: {problem}");
        return null;
    }

    /// <summary>What is wrong with the first name that is not a venue's; null when all are.</summary>
    public static string? UnknownVenue(IEnumerable<string> names) =>
        names.FirstOrDefault(v => !SpecValidator.KnownVenues.Contains(v)) is { } unknown
            ? $"unknown venue '{unknown}' (available: {string.Join(", ", SpecValidator.KnownVenues)})"
            : null;

    /// <summary>Settings for reading with no instance: the paper venue's default account, Aster signed as asked or as its variables say.</summary>
    public VenueSettings Settings(ParseResult result, IReadOnlyDictionary<string, string> secrets)
    {
        var signing = result.GetValue(AsterSigning) switch
        {
            "v1" => Exchanges.Aster.AsterSigning.V1,
            "v3" => Exchanges.Aster.AsterSigning.V3,
            _ => secrets.ContainsKey(AsterCredentials.UserVariable) || !secrets.ContainsKey(AsterCredentials.ApiKeyVariable)
                ? Exchanges.Aster.AsterSigning.V3 : Exchanges.Aster.AsterSigning.V1,
        };
        return new VenueSettings(ReaderName, new PaperSettings(), new BackpackMarginFlags(), BackpackClientIds.DefaultTag(ReaderName),
            new AsterVenue(signing, TimeSpan.Zero, result.GetValue(AsterTestnet)), TimeSpan.Zero);
    }

    /// <summary>0 when everything was read; else 1, naming what could not be (<paramref name="unread"/>: "the aster account"; each said why above).</summary>
    public static async Task<int> ExitCodeAsync(string command, IEnumerable<string> unread)
    {
        var failed = unread.Distinct(StringComparer.Ordinal).ToList();
        if (failed.Count == 0) return ExitCodes.Ok;
        await Console.Error.WriteLineAsync($"mmd {command}: could not read {string.Join(", ", failed)}");
        return ExitCodes.Failure;
    }
}
