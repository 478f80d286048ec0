using Grpc.Core;
using GrpcMM.Protos.V1;
using Mmd.Specs;
using Mmd.Supervision;

namespace Mmd.Grpc;

/// <summary>mm.v1.InstanceService: a thin adapter over the <see cref="Supervisor"/>.</summary>
public sealed partial class InstanceApi(Supervisor supervisor, TemplateCatalog templates, TimeProvider time) : InstanceService.InstanceServiceBase
{
    public override async Task<CreateInstanceResponse> CreateInstance(CreateInstanceRequest request, ServerCallContext context)
    {
        InstanceSpec spec;
        IReadOnlyDictionary<string, long>? lines = null;
        switch (request.SourceCase)
        {
            case CreateInstanceRequest.SourceOneofCase.Spec:
                spec = request.Spec;
                if (request.Name.Length > 0 && request.Name != spec.Name)
                    throw new InvalidRequestException([new("name", "set the name in the spec (spec.name); name is for templates")]);
                break;
            case CreateInstanceRequest.SourceOneofCase.SpecJson:
                spec = InstanceSpecJson.Parse("spec_json", System.Text.Encoding.UTF8.GetBytes(request.SpecJson), out var fileLines);
                lines = fileLines;
                break;
            case CreateInstanceRequest.SourceOneofCase.Template:
                if (templates.Find(request.Template) is not { } template)
                    throw new InvalidRequestException([new("template", $"no template '{request.Template}' (available: {string.Join(", ", templates.All().Select(t => t.Name))})")]);
                if (request.Name.Length == 0) throw new InvalidRequestException([new("name", "required with a template: the new instance's name")]);
                spec = template.Spec.Clone();
                spec.Name = request.Name;
                if (request.Symbol.Length > 0) spec.Symbol = request.Symbol;
                break;
            default:
                throw new InvalidRequestException([new("source", "set spec or template")]);
        }
        var (instance, created) = await supervisor.CreateAsync(spec, request.Start, context.CancellationToken, lines, request.DryRun);
        return new CreateInstanceResponse { Instance = instance, Created = created };
    }

    public override async Task<StartInstanceResponse> StartInstance(StartInstanceRequest request, ServerCallContext context) =>
        new() { Instance = await supervisor.StartAsync(RequireName(request.Name), context.CancellationToken) };

    public override async Task<UpdateInstanceResponse> UpdateInstance(UpdateInstanceRequest request, ServerCallContext context)
    {
        var timeout = Timeout(request.Timeout);
        InstanceSpec spec;
        IReadOnlyDictionary<string, long>? lines = null;
        switch (request.SourceCase)
        {
            case UpdateInstanceRequest.SourceOneofCase.Spec:
                spec = request.Spec;
                break;
            case UpdateInstanceRequest.SourceOneofCase.SpecJson:
                spec = InstanceSpecJson.Parse("spec_json", System.Text.Encoding.UTF8.GetBytes(request.SpecJson), out var fileLines);
                lines = fileLines;
                break;
            default:
                throw new InvalidRequestException([new("source", "set spec or spec_json")]);
        }
        var (instance, changes, outcome) = await supervisor.UpdateAsync(spec, request.Restart, timeout, context.CancellationToken, lines, request.DryRun);
        return new UpdateInstanceResponse
        {
            Instance = instance, Outcome = outcome, Changed = { changes.Select(c => c.Path) },
            Changes = { changes.Select(c => new SpecFieldChange { Path = c.Path, From = c.From, To = c.To }) },
        };
    }

    public override async Task<StopInstanceResponse> StopInstance(StopInstanceRequest request, ServerCallContext context)
    {
        var timeout = Timeout(request.Timeout);
        var outcome = await supervisor.StopAsync(RequireName(request.Name), timeout, request.Flatten, context.CancellationToken);
        return new StopInstanceResponse { Instance = outcome.Instance, OrdersLeft = outcome.OrdersLeft, BookUnconfirmed = outcome.BookUnconfirmed };
    }

    public override async Task<RestartInstanceResponse> RestartInstance(RestartInstanceRequest request, ServerCallContext context) =>
        new() { Instance = await supervisor.RestartAsync(RequireName(request.Name), Timeout(request.Timeout), context.CancellationToken) };

    public override async Task<CommandInstanceResponse> CommandInstance(CommandInstanceRequest request, ServerCallContext context)
    {
        RequireName(request.Name);
        var (instance, outcome) = await supervisor.CommandAsync(request, context.CancellationToken);
        return new CommandInstanceResponse { Instance = instance, Outcome = outcome };
    }

    /// <summary>Levels a side when a book read asks for none, and the most it may ask for.</summary>
    private const uint DefaultBookDepth = 10, MaxBookDepth = 50;

    public override async Task<GetOrderBookResponse> GetOrderBook(GetOrderBookRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        if (!SpecValidator.IsValidName(request.Name)) violations.Add(new("name", SpecValidator.NameProblem(request.Name)));
        if (request.Depth > MaxBookDepth) violations.Add(new("depth", $"must be at most {MaxBookDepth} (0: {DefaultBookDepth})"));
        if (violations.Count > 0) throw new InvalidRequestException(violations);
        var books = await supervisor.ReadBooksAsync(request.Name, request.Depth == 0 ? DefaultBookDepth : request.Depth, context.CancellationToken);
        return new GetOrderBookResponse { Books = { books } };
    }

    public override async Task<GetMarketAnalysisResponse> GetMarketAnalysis(GetMarketAnalysisRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        if (!SpecValidator.IsValidName(request.Name)) violations.Add(new("name", SpecValidator.NameProblem(request.Name)));
        var interval = request.Interval.Length == 0 ? Hosting.MarketAnalysis.DefaultInterval : request.Interval;
        if (Trading.Execution.CandleIntervals.Parse(interval) is not { } width) violations.Add(new("interval", $"'{request.Interval}' is not one of {Trading.Execution.CandleIntervals.Names} (\"\": {Hosting.MarketAnalysis.DefaultInterval})"));
        else interval = Trading.Execution.CandleIntervals.Name(width);
        if (request.Candles != 0 && request.Candles is < Hosting.MarketAnalysis.MinCandles or > Hosting.MarketAnalysis.MaxCandles)
            violations.Add(new("candles", $"must be {Hosting.MarketAnalysis.MinCandles} to {Hosting.MarketAnalysis.MaxCandles} (0: {Hosting.MarketAnalysis.DefaultCandles})"));
        if (violations.Count > 0) throw new InvalidRequestException(violations);
        var analysis = await supervisor.ReadAnalysisAsync(request.Name, interval, request.Candles == 0 ? Hosting.MarketAnalysis.DefaultCandles : request.Candles, context.CancellationToken);
        return new GetMarketAnalysisResponse { Analysis = analysis };
    }

    public override async Task<GetAccountResponse> GetAccount(GetAccountRequest request, ServerCallContext context) =>
        new() { Accounts = { await supervisor.ReadAccountsAsync(RequireName(request.Name), context.CancellationToken) } };

    public override async Task<DeleteInstanceResponse> DeleteInstance(DeleteInstanceRequest request, ServerCallContext context)
    {
        var bookUnconfirmed = await supervisor.DeleteAsync(RequireName(request.Name), request.Force, context.CancellationToken);
        return new DeleteInstanceResponse { BookUnconfirmed = bookUnconfirmed };
    }

    public override Task<GetInstanceResponse> GetInstance(GetInstanceRequest request, ServerCallContext context) =>
        Task.FromResult(new GetInstanceResponse { Instance = supervisor.Get(RequireName(request.Name)) });

    public override Task<ListInstancesResponse> ListInstances(ListInstancesRequest request, ServerCallContext context) =>
        Task.FromResult(new ListInstancesResponse { Instances = { supervisor.List() } });

    public override Task<ListTemplatesResponse> ListTemplates(ListTemplatesRequest request, ServerCallContext context) =>
        Task.FromResult(new ListTemplatesResponse { Templates = { templates.All() } });

    public override async Task<GetInstanceHistoryResponse> GetInstanceHistory(GetInstanceHistoryRequest request, ServerCallContext context)
    {
        var limit = ValidPage(request.Name, request.Limit, request.Since);
        return await supervisor.HistoryAsync(request.Name, request.Since?.ToDateTimeOffset(), limit, context.CancellationToken);
    }

    /// <summary>The limit of a request for the newest rows of an instance's records (0: the default); the name, limit and since checked.</summary>
    private static int ValidPage(string name, uint limit, Google.Protobuf.WellKnownTypes.Timestamp? since)
    {
        var violations = new List<FieldViolation>();
        if (!SpecValidator.IsValidName(name)) violations.Add(new("name", SpecValidator.NameProblem(name)));
        if (limit > MaxPageLimit) violations.Add(new("limit", $"must be at most {MaxPageLimit} (0: {DefaultPageLimit})"));
        if (since is not null && !IsValidTime(since)) violations.Add(new("since", "not a valid time"));
        if (violations.Count > 0) throw new InvalidRequestException(violations);
        return limit == 0 ? DefaultPageLimit : (int)limit;
    }

    private const int DefaultPageLimit = 50;
    private const int MaxPageLimit = 1000;
    // google.protobuf.Timestamp's range: 0001-01-01 to 9999-12-31.
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    private static bool IsValidTime(Google.Protobuf.WellKnownTypes.Timestamp t) =>
        t.Nanos is >= 0 and <= 999_999_999 && t.Seconds is >= MinTimestampSeconds and <= MaxTimestampSeconds;

    internal static string RequireName(string name) =>
        SpecValidator.IsValidName(name) ? name : throw new InvalidRequestException([new("name", SpecValidator.NameProblem(name))]);

    private static TimeSpan? Timeout(Google.Protobuf.WellKnownTypes.Duration? d)
    {
        if (d is null || (d.Seconds == 0 && d.Nanos == 0)) return null;
        var value = d.ToTimeSpan();
        return value > TimeSpan.Zero && value <= TimeSpan.FromMinutes(10)
            ? value
            : throw new InvalidRequestException([new("timeout", "must be between 0 and 10 minutes")]);
    }
}
