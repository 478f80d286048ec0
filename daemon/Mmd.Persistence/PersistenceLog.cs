using Microsoft.Extensions.Logging;

namespace Mmd.Persistence;

internal static partial class PersistenceLog
{
    [LoggerMessage(4000, LogLevel.Warning, "{Database}: removed EF Core's migration lock taken at {Since} by a process that is gone (it died or failed while migrating)")]
    public static partial void StaleMigrationLockRemoved(ILogger logger, string database, string since);
}
