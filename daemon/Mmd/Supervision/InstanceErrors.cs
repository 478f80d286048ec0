using Mmd.Specs;

namespace Mmd.Supervision;

/// <summary>Why an instance operation was refused; the gRPC layer maps each to a status code.</summary>
public abstract class InstanceOperationException(string message) : Exception(message);

public sealed class InstanceNotFoundException(string name) : InstanceOperationException($"no instance named '{name}'")
{
    public string Name { get; } = name;
}

public sealed class InstanceAlreadyExistsException(string name)
    : InstanceOperationException($"an instance named '{name}' already exists with a different spec (delete it first, or pick another name)")
{
    public string Name { get; } = name;
}

public sealed class InstancePreconditionException(string message) : InstanceOperationException(message);

/// <summary>Bad request fields (proto field paths), the same shape as a bad spec.</summary>
public sealed class InvalidRequestException(IReadOnlyList<FieldViolation> violations)
    : InstanceOperationException(string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>The instance's worker could not be reached or did not answer in time.</summary>
public sealed class InstanceUnavailableException(string message) : InstanceOperationException(message);

/// <summary>Another request overtook this one (a start while it stopped): it did not end as asked.</summary>
public sealed class InstanceAbortedException(string message) : InstanceOperationException(message);

/// <summary>A change made to the running worker that the daemon's database could not keep (a full disk): it lasts until the worker's next start.</summary>
public sealed class ChangeNotSavedException(string message, Exception inner) : Exception(message, inner);
