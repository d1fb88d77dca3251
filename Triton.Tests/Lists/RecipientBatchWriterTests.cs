using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Lists;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Lists;

/// <summary>
/// The batch writer on a real database of each kind: rows land once, duplicates come back by position
/// wherever they sit (inside one INSERT, across INSERTs, already in the list, a whole INSERT of them),
/// and another list's addresses are no duplicates.
/// </summary>
public sealed class RecipientBatchWriterTests
{
    [Fact]
    public Task Sqlite_reports_every_duplicate_by_position() => ReportsEveryDuplicateAsync(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task Postgres_reports_every_duplicate_by_position() => ReportsEveryDuplicateAsync(DatabaseProvider.Postgres);

    private static async Task ReportsEveryDuplicateAsync(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        int listId, otherListId;
        await using (var db = database.CreateContext())
        {
            await db.Database.MigrateAsync();
            var now = DateTimeOffset.UtcNow;
            var list = new MailingList { Name = "Writer", CreatedAt = now };
            var other = new MailingList { Name = "Other", CreatedAt = now };
            db.AddRange(list, other);
            await db.SaveChangesAsync();
            (listId, otherListId) = (list.Id, other.Id);
        }
        var writer = new RecipientBatchWriter(new StoreExecutor(database.ContextFactory(), NullLogger<StoreExecutor>.Instance));

        // The other list holds addresses the first batch reuses: not duplicates there.
        Assert.Empty(await WriteAsync(writer, otherListId, Enumerable.Range(0, 10).Select(i => $"a{i}@example.test")));

        // 130 rows (more than two full multi-row INSERTs) with duplicates inside an INSERT (row 5 of
        // row 3's address, other casing), across INSERTs (row 70 of row 10's) and at the very end.
        var first = Enumerable.Range(0, 130).Select(i => $"a{i}@example.test").ToArray();
        first[5] = "A3@Example.Test";
        first[70] = "a10@example.test";
        first[129] = "a0@example.test";
        Assert.Equal([5, 70, 129], await WriteAsync(writer, listId, first));

        // A second batch: a whole INSERT of addresses already in the list, then new ones mixed with old.
        var second = Enumerable.Range(0, 50).Select(i => $"a{i + 20}@example.test")
            .Concat(Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? $"a{i}@example.test" : $"b{i}@example.test"))
            .ToArray();
        var expected = Enumerable.Range(0, 50).Concat(Enumerable.Range(0, 30).Where(i => i % 3 == 0).Select(i => 50 + i)).ToArray();
        Assert.Equal(expected, await WriteAsync(writer, listId, second));

        await using var check = database.CreateContext();
        var keys = await check.Recipients.Where(r => r.ListId == listId).OrderBy(r => r.Id).Select(r => r.EmailKey).ToListAsync();
        string[] landed = [.. first.Where((_, i) => i is not (5 or 70 or 129)), .. second.Where((_, i) => !expected.Contains(i))];
        Assert.Equal(landed, keys);
        Assert.Equal(10, await check.Recipients.CountAsync(r => r.ListId == otherListId));
    }

    private static async Task<IReadOnlyList<int>> WriteAsync(RecipientBatchWriter writer, int listId, IEnumerable<string> addresses)
    {
        var now = DateTimeOffset.UtcNow;
        var batch = addresses.Select((email, i) => (i, new Recipient
        {
            ListId = listId, Email = email, EmailKey = EmailAddresses.Key(email), UserId = i % 2 == 0 ? $"u{i}" : null,
            Fields = "{}", CreatedAt = now,
        })).ToList();
        return await writer.WriteAsync(listId, batch, CancellationToken.None);
    }
}
