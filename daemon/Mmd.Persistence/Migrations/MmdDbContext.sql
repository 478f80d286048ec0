CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "fills" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_fills" PRIMARY KEY AUTOINCREMENT,
    "Instance" TEXT NOT NULL,
    "Venue" TEXT NOT NULL,
    "Symbol" TEXT NOT NULL,
    "TradeId" TEXT NOT NULL,
    "VenueOrderId" TEXT NOT NULL,
    "ClientOrderId" TEXT NULL,
    "Side" TEXT NOT NULL,
    "Price" TEXT NOT NULL,
    "Quantity" TEXT NOT NULL,
    "Fee" TEXT NOT NULL,
    "FeeAsset" TEXT NOT NULL,
    "IsMaker" INTEGER NOT NULL,
    "Purpose" TEXT NOT NULL,
    "TimestampMs" INTEGER NOT NULL
);

CREATE TABLE "orders" (
    "ClientOrderId" TEXT NOT NULL CONSTRAINT "PK_orders" PRIMARY KEY,
    "Instance" TEXT NOT NULL,
    "Symbol" TEXT NOT NULL,
    "VenueOrderId" TEXT NULL,
    "Side" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "TimeInForce" TEXT NOT NULL,
    "Price" TEXT NULL,
    "Quantity" TEXT NOT NULL,
    "FilledQuantity" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Purpose" TEXT NOT NULL,
    "Level" INTEGER NOT NULL,
    "PostOnly" INTEGER NOT NULL,
    "ReduceOnly" INTEGER NOT NULL,
    "PostOnlyRetries" INTEGER NOT NULL,
    "CreatedAtMs" INTEGER NOT NULL,
    "UpdatedAtMs" INTEGER NOT NULL,
    "LastError" TEXT NULL
);

CREATE TABLE "runs" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_runs" PRIMARY KEY AUTOINCREMENT,
    "Instance" TEXT NOT NULL,
    "Pid" INTEGER NOT NULL,
    "StartedAtMs" INTEGER NOT NULL,
    "EndedAtMs" INTEGER NULL,
    "ExitCode" INTEGER NULL,
    "Reason" TEXT NULL
);

CREATE TABLE "stats_snapshots" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_stats_snapshots" PRIMARY KEY AUTOINCREMENT,
    "Instance" TEXT NOT NULL,
    "TimeMs" INTEGER NOT NULL,
    "Mid" TEXT NULL,
    "SessionFills" INTEGER NOT NULL,
    "SessionQuoteVolume" TEXT NOT NULL,
    "SessionRealizedPnl" TEXT NOT NULL,
    "SessionNetPnl" TEXT NOT NULL,
    "CumulativeRealizedPnl" TEXT NOT NULL,
    "CumulativeNetPnl" TEXT NOT NULL,
    "Json" TEXT NOT NULL
);

CREATE INDEX "IX_fills_Instance_TimestampMs" ON "fills" ("Instance", "TimestampMs");

CREATE UNIQUE INDEX "IX_fills_Venue_Symbol_TradeId" ON "fills" ("Venue", "Symbol", "TradeId");

CREATE INDEX "IX_orders_Instance_Status" ON "orders" ("Instance", "Status");

CREATE INDEX "IX_runs_Instance_StartedAtMs" ON "runs" ("Instance", "StartedAtMs");

CREATE INDEX "IX_stats_snapshots_Instance_TimeMs" ON "stats_snapshots" ("Instance", "TimeMs");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261124003440_Initial', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "orders" ADD "Venue" TEXT NOT NULL DEFAULT '';

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261124145614_OrderVenue', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "orders" ADD "RunId" INTEGER NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204134111_OrderRunId', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "orders" ADD "QuotedPrice" TEXT NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205073425_OrderQuotedPrice', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "figures_checkpoints" (
    "Instance" TEXT NOT NULL,
    "Venue" TEXT NOT NULL,
    "Symbol" TEXT NOT NULL,
    "LastFillRow" INTEGER NOT NULL,
    "TimeMs" INTEGER NOT NULL,
    "Json" TEXT NOT NULL,
    CONSTRAINT "PK_figures_checkpoints" PRIMARY KEY ("Instance", "Venue", "Symbol")
);

CREATE INDEX "IX_fills_Instance_ClientOrderId" ON "fills" ("Instance", "ClientOrderId");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261205142009_FiguresCheckpoint', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
DROP INDEX "IX_fills_Venue_Symbol_TradeId";

CREATE UNIQUE INDEX "IX_fills_Venue_Symbol_TradeId_Side" ON "fills" ("Venue", "Symbol", "TradeId", "Side");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261207074830_FillSide', '10.0.15');

COMMIT;

