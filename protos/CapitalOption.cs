namespace GrpcMM.Protos.V1;

/// <summary>
/// The <c>--capital ASSET=AMOUNT</c> option of <c>mmctl start</c>, <c>mmctl set</c> and <c>mmd run</c>, read the same way
/// by each. Only its form is checked here; the asset and the amount are the spec validator's.
/// </summary>
public static class CapitalOption
{
    /// <summary>
    /// Sets each option's asset to its amount in <paramref name="capital"/>; returns what is wrong with their form, each
    /// said after the option's name ("takes ASSET=AMOUNT, ...", "names SOL twice"), none when all are well formed.
    /// </summary>
    public static IReadOnlyList<string> Read(IEnumerable<string>? options, IDictionary<string, string> capital)
    {
        var problems = new List<string>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in options ?? [])
        {
            if (option.Split('=') is not [{ Length: > 0 } asset, var amount])
                problems.Add($"takes ASSET=AMOUNT, e.g. --capital USDC=1500 (got '{option}')");
            else if (!named.Add(asset))
                problems.Add($"names {asset} twice");
            else
                capital[asset] = amount;
        }
        return problems;
    }
}
