using Mmd.Exchanges.Paper;
using Mmd.Specs;
using Mmd.Trading.Execution;

namespace Mmd.Worker;

/// <summary>Builds the connector a spec names. Real venues arrive with their own issues; the validator lists what exists.</summary>
public static class VenueFactory
{
    public static IExchangeConnector Create(ValidatedSpec spec, string stateDir, TimeProvider time)
    {
        switch (spec.Venue)
        {
            case "paper":
                var exchange = new PaperExchange(spec.Paper with { StateDirectory = Path.Combine(stateDir, "paper") }, time);
                exchange.Start();
                return new PaperConnector(exchange, spec.Paper.Account, ownsExchange: true);
            default:
                throw new InvalidOperationException($"venue '{spec.Venue}' is not available");
        }
    }
}
