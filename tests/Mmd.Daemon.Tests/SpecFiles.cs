using System.Text;
using Mmd.Specs;

namespace Mmd.Daemon.Tests;

/// <summary>Specs as the daemon reads them: JSON text or a shipped template, parsed and validated with their line numbers.</summary>
internal static class SpecFiles
{
    public static ValidatedSpec Valid(string json) => SpecValidator.Validate(InstanceSpecJson.Parse("spec.json", Encoding.UTF8.GetBytes(json), out var lines), "spec.json", lines);

    public static InvalidSpecException Invalid(string json)
    {
        var spec = InstanceSpecJson.Parse("spec.json", Encoding.UTF8.GetBytes(json), out var lines);
        return Assert.Throws<InvalidSpecException>(() => SpecValidator.Validate(spec, "spec.json", lines));
    }

    /// <summary>A template of daemon/templates, as copied beside the tests.</summary>
    public static ValidatedSpec Template(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "templates", file);
        return SpecValidator.Validate(InstanceSpecJson.Parse(path, File.ReadAllBytes(path), out var lines), path, lines);
    }
}
