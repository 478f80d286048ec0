using System.CommandLine;
using System.Text;
using System.Text.Json;
using GrpcMM.Protos.V1;
using Mmd.Specs;

namespace Mmd.Hosting;

/// <summary>
/// <c>mmd check</c>: instance spec files validated as a start would validate them, many at once, with no daemon (the
/// seed's batch validation of its config folders): each file valid or its problems with their lines, then how many of each.
/// The files are taken as one daemon's instances: a name or a client-id tag two would share is the later file's problem.
/// </summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Spec files, or folders whose *.json files are specs (daemon/templates)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "text (default), or json: a JSON object a file", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("check", "Validate instance spec files (or every *.json in folders) as mmctl start would, without a daemon: each file's problems with their lines. Exit 2 if any is invalid.");
        command.Arguments.Add(paths);
        command.Options.Add(output);
        command.SetAction(async (result, cancellationToken) =>
        {
            var files = new List<string>();
            foreach (var path in result.GetValue(paths)!)
            {
                if (Directory.Exists(path)) files.AddRange(Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal));
                else if (File.Exists(path)) files.Add(path);
                else return RunCommand.Fail($"mmd check: no such file or folder: {path}");
            }
            if (files.Count == 0) return RunCommand.Fail("mmd check: the folders hold no *.json files");

            var checks = new List<SpecCheck>();
            foreach (var file in files) checks.Add(await CheckAsync(Path.GetFullPath(file), cancellationToken));
            checks = Beside(checks);
            Console.Out.Write(result.GetValue(output) == "json" ? Json(checks) : Text(checks));
            return checks.All(c => c.Problems.Count == 0) ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });
        return command;
    }

    /// <param name="Summary">For a valid spec: its name, strategy, venue and symbol.</param>
    /// <param name="Valid">A spec valid on its own, with its fields' lines: what <see cref="Beside"/> compares.</param>
    public sealed record SpecCheck(string File, string? Summary, IReadOnlyList<string> Problems, (ValidatedSpec Spec, InstanceSpec Proto, IReadOnlyDictionary<string, long> Lines)? Valid = null);

    public static async Task<SpecCheck> CheckAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            var proto = InstanceSpecJson.Parse(file, await File.ReadAllBytesAsync(file, cancellationToken), out var lines);
            var spec = SpecValidator.Validate(proto, file, lines);
            var hedge = spec.HedgeMarket is { } h ? $", hedging on {h.Venue} {h.Symbol}" : "";
            return new SpecCheck(file, $"{spec.Name}: {SpecEdits.StrategyName(proto)} on {spec.Venue} {spec.Symbol}{hedge}", [], (spec, proto, lines));
        }
        catch (InvalidSpecException ex)
        {
            return new SpecCheck(file, null, [.. ex.Describe()]);
        }
        catch (IOException ex)
        {
            return new SpecCheck(file, null, [$"{file}: {ex.Message}"]);
        }
    }

    /// <summary>
    /// The specs checked together are taken as instances of one daemon, running side by side: a name twice, a client-id
    /// tag two would share (<see cref="InstanceConflicts"/>), or a Lighter API key two would sign with (<see cref="LighterKeys"/>;
    /// those without a key of their own share the daemon's) is a problem of the later file, as the daemon would refuse the
    /// later start.
    /// </summary>
    public static List<SpecCheck> Beside(IReadOnlyList<SpecCheck> checks)
    {
        var earlier = new List<(string File, string Name, InstanceSpec Proto)>();
        var result = new List<SpecCheck>();
        foreach (var check in checks)
        {
            if (check.Valid is not var (spec, proto, lines))
            {
                result.Add(check);
                continue;
            }
            var clash = earlier.FirstOrDefault(e => e.Name == spec.Name) is { File: { } same }
                ? new FieldViolation("name", $"'{spec.Name}' is also the name in {same}; two instances cannot share a name")
                : InstanceConflicts.Find(spec, earlier.Select(e => (e.Name, e.Proto)))
                    ?? (LighterKeys.Clash(spec.Name, proto, null, earlier.Select(e => (e.Name, e.Proto)), others: "instance") is { } shared
                        ? new FieldViolation("lighter.api_key_index", shared) : null);
            if (clash is null)
            {
                earlier.Add((check.File, spec.Name, proto));
                result.Add(check);
            }
            else result.Add(new SpecCheck(check.File, null, [.. new InvalidSpecException(check.File, [clash], lines).Describe()]));
        }
        return result;
    }

    public static string Text(IReadOnlyList<SpecCheck> checks)
    {
        var text = new StringBuilder();
        foreach (var check in checks)
        {
            if (check.Problems.Count == 0) text.Append($"ok       {check.File} ({check.Summary})\n");
            else
            {
                text.Append($"invalid  {check.File} ({check.Problems.Count} problem{(check.Problems.Count == 1 ? "" : "s")})\n");
                foreach (var problem in check.Problems) text.Append("  ").Append(problem).Append('\n');
            }
        }
        var invalid = checks.Count(c => c.Problems.Count > 0);
        text.Append($"{checks.Count} spec{(checks.Count == 1 ? "" : "s")}: {checks.Count - invalid} valid, {invalid} invalid\n");
        return text.ToString();
    }

    public static string Json(IReadOnlyList<SpecCheck> checks) =>
        string.Concat(checks.Select(c => JsonSerializer.Serialize(new { file = c.File, valid = c.Problems.Count == 0, spec = c.Summary, problems = c.Problems }, TextTable.Json) + "\n"));
}
