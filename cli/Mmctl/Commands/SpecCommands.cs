using System.Text.Json;
using Cocona;
using Cocona.ShellCompletion.Candidate;
using Mmctl.Completion;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using GrpcMM.Protos.V1;

namespace Mmctl.Commands;

/// <summary>
/// `mmctl spec NAME` prints an instance's spec as a file holds it; `mmctl apply -f FILE` makes an instance what the file
/// says (an update of an existing one, or a new one): edit, apply, and the history says what changed.
/// </summary>
[UsageRules, IgnoreUnknownOptions]
public sealed class SpecCommands
{
    [Command("apply", Description = "Make the instance a spec file names what the file says: update it (kept across restarts; --restart to trade with it now), or create it (stopped)")]
    public Task<int> Apply([Option('f', Description = "The spec file (proto3 JSON, as mmctl spec prints)"), CompletionCandidates(CompletionCandidateType.File)] string file,
        [Option(Description = "Restart a running instance now, so that it trades with the new spec (a graceful stop, then a start that reconciles)")] bool restart,
        [Option(Description = "The restart's stop timeout in seconds")] int? timeout,
        [Option("dry-run", Description = "Check only: validate the file and say what would change and when it would apply; nothing is saved")] bool dryRun,
        CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        if (!File.Exists(file)) return InstanceCommands.Fail($"mmctl: no such spec file: {file}");
        var json = await File.ReadAllTextAsync(file, ct);
        var request = new UpdateInstanceRequest { SpecJson = json, Restart = restart, DryRun = dryRun };
        if (timeout is { } t) request.Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(t));
        UpdateInstanceResponse updated;
        try
        {
            updated = await c.Instances.UpdateInstanceAsync(request, cancellationToken: ct);
        }
        catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            var created = await c.Instances.CreateInstanceAsync(new CreateInstanceRequest { SpecJson = json, DryRun = dryRun }, cancellationToken: ct);
            var name = created.Instance.Name;
            if (o.Json) Output.Printer.JsonLine(created);
            else if (!dryRun) Console.Out.WriteLine($"{name}: created (stopped); start it with mmctl start {name}");
            else Console.Out.WriteLine(created.Created ? $"{name}: valid; would be created (stopped)" : $"{name}: exists with this spec; unchanged");
            return ExitCodes.Ok;
        }
        if (o.Json) Output.Printer.JsonLine(updated);
        else
        {
            Console.Out.WriteLine($"{updated.Instance.Name}: {updated.Outcome}");
            foreach (var change in updated.Changes) Console.Out.WriteLine($"  {change.Path}: {change.From} -> {change.To}");
        }
        return ExitCodes.Ok;
    });

    [Command("spec", Description = "An instance's spec as a spec file holds it (edit it, then mmctl apply -f)")]
    public Task<int> Spec([Argument, InstanceNames] string name, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        var instance = (await c.Instances.GetInstanceAsync(new GetInstanceRequest { Name = name }, cancellationToken: ct)).Instance;
        Console.Out.WriteLine(Indented(SpecFormatter.Format(instance.Spec)));
        return ExitCodes.Ok;
    });

    // The daemon's own file form: fields at their defaults left out.
    internal static readonly JsonFormatter SpecFormatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    internal static string Indented(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true })) document.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
