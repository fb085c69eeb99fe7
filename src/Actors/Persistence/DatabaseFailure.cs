namespace SmartElek.Actors.Persistence;

/// <summary>What a database failure is about, for the operator.</summary>
public static class DatabaseFailure
{
    /// <summary>The innermost exception says what is wrong (connection refused, database is locked); the outer ones wrap it.</summary>
    public static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
