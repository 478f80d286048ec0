using Microsoft.AspNetCore.Builder;

namespace Mmd.Hosting;

/// <summary>
/// A slim web host builder rooted at the install folder, with configuration never reloaded: by default the builder
/// reads appsettings.json from the working directory and puts an inotify watch on every folder under it (1 000 in a
/// checkout). The daemon's API host and its metrics host both start from it.
/// </summary>
public static class QuietWebHost
{
    public static WebApplicationBuilder CreateBuilder() => WebApplication.CreateSlimBuilder(new WebApplicationOptions
    {
        ContentRootPath = AppContext.BaseDirectory,
        Args = ["--hostBuilder:reloadConfigOnChange=false"],
    });
}
