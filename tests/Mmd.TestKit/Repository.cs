namespace Mmd.TestKit;

/// <summary>The checkout the tests run from (the folder that holds GrpcMM.sln).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GrpcMM.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GrpcMM.sln above {AppContext.BaseDirectory}");
    }
}
