using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mmd.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "fills",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Instance = table.Column<string>(type: "TEXT", nullable: false),
                    Venue = table.Column<string>(type: "TEXT", nullable: false),
                    Symbol = table.Column<string>(type: "TEXT", nullable: false),
                    TradeId = table.Column<string>(type: "TEXT", nullable: false),
                    VenueOrderId = table.Column<string>(type: "TEXT", nullable: false),
                    ClientOrderId = table.Column<string>(type: "TEXT", nullable: true),
                    Side = table.Column<string>(type: "TEXT", nullable: false),
                    Price = table.Column<string>(type: "TEXT", nullable: false),
                    Quantity = table.Column<string>(type: "TEXT", nullable: false),
                    Fee = table.Column<string>(type: "TEXT", nullable: false),
                    FeeAsset = table.Column<string>(type: "TEXT", nullable: false),
                    IsMaker = table.Column<bool>(type: "INTEGER", nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", nullable: false),
                    TimestampMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_fills", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    ClientOrderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Instance = table.Column<string>(type: "TEXT", nullable: false),
                    Symbol = table.Column<string>(type: "TEXT", nullable: false),
                    VenueOrderId = table.Column<string>(type: "TEXT", nullable: true),
                    Side = table.Column<string>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", nullable: false),
                    TimeInForce = table.Column<string>(type: "TEXT", nullable: false),
                    Price = table.Column<string>(type: "TEXT", nullable: true),
                    Quantity = table.Column<string>(type: "TEXT", nullable: false),
                    FilledQuantity = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", nullable: false),
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    PostOnly = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReduceOnly = table.Column<bool>(type: "INTEGER", nullable: false),
                    PostOnlyRetries = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orders", x => x.ClientOrderId);
                });

            migrationBuilder.CreateTable(
                name: "runs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Instance = table.Column<string>(type: "TEXT", nullable: false),
                    Pid = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    EndedAtMs = table.Column<long>(type: "INTEGER", nullable: true),
                    ExitCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_runs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "stats_snapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Instance = table.Column<string>(type: "TEXT", nullable: false),
                    TimeMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Mid = table.Column<string>(type: "TEXT", nullable: true),
                    SessionFills = table.Column<long>(type: "INTEGER", nullable: false),
                    SessionQuoteVolume = table.Column<string>(type: "TEXT", nullable: false),
                    SessionRealizedPnl = table.Column<string>(type: "TEXT", nullable: false),
                    SessionNetPnl = table.Column<string>(type: "TEXT", nullable: false),
                    CumulativeRealizedPnl = table.Column<string>(type: "TEXT", nullable: false),
                    CumulativeNetPnl = table.Column<string>(type: "TEXT", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stats_snapshots", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_fills_Instance_TimestampMs",
                table: "fills",
                columns: new[] { "Instance", "TimestampMs" });

            migrationBuilder.CreateIndex(
                name: "IX_fills_Venue_Symbol_TradeId",
                table: "fills",
                columns: new[] { "Venue", "Symbol", "TradeId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_orders_Instance_Status",
                table: "orders",
                columns: new[] { "Instance", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_runs_Instance_StartedAtMs",
                table: "runs",
                columns: new[] { "Instance", "StartedAtMs" });

            migrationBuilder.CreateIndex(
                name: "IX_stats_snapshots_Instance_TimeMs",
                table: "stats_snapshots",
                columns: new[] { "Instance", "TimeMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "fills");

            migrationBuilder.DropTable(
                name: "orders");

            migrationBuilder.DropTable(
                name: "runs");

            migrationBuilder.DropTable(
                name: "stats_snapshots");
        }
    }
}
