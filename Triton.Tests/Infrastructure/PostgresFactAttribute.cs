namespace Triton.Tests.Infrastructure;

/// <summary>
/// A fact needing PostgreSQL: skipped with a reason when TRITON_TEST_POSTGRES is unset on a
/// developer machine; under CI it runs anyway and fails with the clear message from
/// <see cref="PostgresTestDatabase.CreateAsync"/>, so a missing server cannot pass silently.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.UnavailableReason is { } reason && !PostgresTestDatabase.RequiredByCi)
            Skip = reason;
    }
}

/// <inheritdoc cref="PostgresFactAttribute"/>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (PostgresTestDatabase.UnavailableReason is { } reason && !PostgresTestDatabase.RequiredByCi)
            Skip = reason;
    }
}
