using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Mmd.Grpc;
using Mmd.Supervision;

namespace Mmd.Daemon.Tests;

/// <summary>The daemon's database refusing a write reaches a client as a status that says so, not as "Exception was thrown by handler".</summary>
public sealed class ErrorMappingTests
{
    [Fact]
    public void AFullDisk_IsResourceExhausted_AndAnyOtherDatabaseFailure_Internal_EachSayingWhat()
    {
        var full = ErrorMapping.Map(new DbUpdateException("An error occurred while saving the entity changes.", new SqliteException("SQLite Error 13: 'database or disk is full'.", 13)))!;
        Assert.Equal(StatusCode.ResourceExhausted, full.StatusCode);
        Assert.Equal("the daemon's database could not be written: SQLite Error 13: 'database or disk is full'.", full.Status.Detail);

        var io = ErrorMapping.Map(new SqliteException("SQLite Error 10: 'disk I/O error'.", 10))!;
        Assert.Equal(StatusCode.Internal, io.StatusCode);
        Assert.Equal("the daemon's database could not be written: SQLite Error 10: 'disk I/O error'.", io.Status.Detail);

        var notSaved = ErrorMapping.Map(new ChangeNotSavedException("set: applied; the running worker has it, but it was not saved, so it lasts until the worker's next start",
            new SqliteException("SQLite Error 13: 'database or disk is full'.", 13)))!;
        Assert.Equal(StatusCode.ResourceExhausted, notSaved.StatusCode);
        Assert.StartsWith("set: applied; the running worker has it, but it was not saved", notSaved.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith(": SQLite Error 13: 'database or disk is full'.", notSaved.Status.Detail, StringComparison.Ordinal);
    }
}
