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
        [Option(Description = "The restart's stop timeout in seconds")] int? timeout, CommonOptions o) => InstanceCommands.Run(o, async (c, ct) =>
    {
        if (!File.Exists(file)) return InstanceCommands.Fail($"mmctl: no such spec file: {file}");
        var json = await File.ReadAllTextAsync(file, ct);
        var request = new UpdateInstanceRequest { SpecJson = json, Restart = restart };
        if (timeout is { } t) request.Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(t));
        UpdateInstanceResponse updated;
        try
        {
            updated = await c.Instances.UpdateInstanceAsync(request, cancellationToken: ct);
        }
        catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            var created = await c.Instances.CreateInstanceAsync(new CreateInstanceRequest { SpecJson = json }, cancellationToken: ct);
            if (o.Json) Output.Printer.JsonLine(created);
            else Console.Out.WriteLine($"{created.Instance.Name}: created (stopped); start it with mmctl start {created.Instance.Name}");
            return ExitCodes.Ok;
        }
        if (o.Json) Output.Printer.JsonLine(updated);
        else Console.Out.WriteLine(updated.Changed.Count == 0
            ? $"{updated.Instance.Name}: {updated.Outcome}"
            : $"{updated.Instance.Name}: {updated.Outcome}; changed: {string.Join(", ", updated.Changed)}");
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
    private static readonly JsonFormatter SpecFormatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    private static string Indented(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true })) document.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
