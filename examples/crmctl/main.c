/*
 * crmctl - command-line tool for libcrm databases: customers, their
 * identities, interactions, promises and occasions, and the journal of
 * changes.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * This file holds the command table, the help texts, the dispatch from
 * words on the command line to a command, and the mapping from libcrm
 * status codes to exit statuses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "crmctl.h"

#define KIND_HELP "person or organisation (also organization, org)"
#define CHANNEL_WORDS                                                                \
    "phone, ivr, email, chat, sms, social,\n"                                       \
    "                      in_person, kiosk, web, letter, community"
#define CHANNEL_HELP                                                                 \
    "phone, ivr, email, chat, sms, social, in_person,\n"                            \
    "                     kiosk, web, letter, community, or a name of your own\n"    \
    "                     ([a-z][a-z0-9_]*, up to 32 bytes: whatsapp)"
#define OUTCOME_HELP                                                                 \
    "resolved, unresolved, transferred, abandoned,\n"                               \
    "                     escalated (or none)"
#define CUSTOMER_HELP                                                                \
    "CUSTOMER is an id or anything the customer is known by: a phone number\n"      \
    "(+14155550100; national ones with --country), an e-mail address, a social\n"   \
    "handle (twitter:@jane), an account or a loyalty number.\n"
/* After a promise step's own help: what --at may be. */
#define PROMISE_AT_HELP                                                              \
    "\n"                                                                             \
    "A step given --at is recorded as having happened then: not later than now,\n"   \
    "and not before the promise's last step (when it was made or renegotiated).\n"   \
    "\n" CTL_TIME_HELP

static const ctl_command commands[] = {
    { "customer add", "--kind person|organisation NAME",
      "create a customer and print its id",
      "Options:\n"
      "  --kind KIND   " KIND_HELP ";\n"
      "                required: it cannot be changed later\n",
      cmd_customer_add },
    { "customer show", "CUSTOMER",
      "show a customer and everything attached to it",
      "Shows the record, its identities, attributes, tags and memberships, then\n"
      "its open promises (overdue ones marked), its latest 5 interactions (and\n"
      "how many more its timeline holds), and its occasions in the coming year.\n"
      "\n" CUSTOMER_HELP,
      cmd_customer_show },
    { "customer list", "[OPTIONS]", "list customers",
      "Options:\n"
      "  --kind KIND       only people or only organisations\n"
      "  --tag TAG         only customers with this tag (exact match)\n"
      "  --prefix TEXT     only names starting with TEXT (ASCII case-insensitive)\n"
      "  --archived        only archived customers\n"
      "  --all             active and archived customers (default: active only)\n"
      "  --order ORDER     created (oldest first, the default) or name\n"
      "  --after ID        start after this customer: pass the last id of the\n"
      "                    previous page to get the next one\n"
      "  --limit N         at most N customers\n"
      "  --owner OWNER     only customers OWNER looks after (exact match)\n"
      "  --count           print how many customers the filter keeps instead\n"
      "                    (without --order, --after or --limit)\n",
      cmd_customer_list },
    { "customer rename", "CUSTOMER NAME", "change a customer's display name", NULL,
      cmd_customer_rename },
    { "customer archive", "CUSTOMER",
      "hide a customer from lists (still found by id)", NULL,
      cmd_customer_archive },
    { "customer unarchive", "CUSTOMER", "bring an archived customer back", NULL,
      cmd_customer_unarchive },
    { "customer owner", "CUSTOMER OWNER|--no-owner",
      "say who looks after a customer, or that no one does",
      "OWNER is an account manager or a team, named as actors are: agent:alice,\n"
      "team:billing (1 to 128 bytes, no control characters or spaces at either\n"
      "end). The change is journaled with the old owner.\n"
      "\n"
      "Options:\n"
      "  --no-owner    clear the owner\n",
      cmd_customer_owner },
    { "customer attr set", "CUSTOMER KEY VALUE", "set an attribute, replacing any old value",
      "KEY is 1 to 64 characters of A-Z a-z 0-9 _ . : -\n", cmd_attr_set },
    { "customer attr get", "CUSTOMER KEY", "print an attribute's value",
      "The value is printed on one line, with control and invisible characters\n"
      "shown as escapes (\\x1b, \\u202e, a backslash as \\\\); --json gives it\n"
      "exactly.\n",
      cmd_attr_get },
    { "customer attr unset", "CUSTOMER KEY", "remove an attribute", NULL, cmd_attr_unset },
    { "customer attr list", "CUSTOMER", "list a customer's attributes", NULL, cmd_attr_list },
    { "customer verify", "CUSTOMER KEY ANSWER",
      "does ANSWER match what only the customer knows? match or no match",
      "Compares ANSWER with the customer's attribute KEY (date_of_birth as\n"
      "YYYY-MM-DD, postcode, a memorable word), ignoring case and spaces. Prints\n"
      "match (exit status 0) or no match (1). Wrong answers are counted in the\n"
      "file: after 5 within 15 minutes the customer is locked for 15 minutes, and\n"
      "the command says until when (exit status 4), comparing nothing.\n"
      "\n" CUSTOMER_HELP,
      cmd_customer_verify },
    { "customer tag add", "CUSTOMER TAG", "tag a customer", "Tags match exactly; case matters.\n",
      cmd_tag_add },
    { "customer tag remove", "CUSTOMER TAG", "remove a tag", NULL, cmd_tag_remove },
    { "customer tag list", "CUSTOMER", "list a customer's tags", NULL, cmd_tag_list },
    { "customer member add", "ORG PERSON ROLE",
      "make a person a member of an organisation with a role",
      "ORG must be an organisation and PERSON a person, each an id or any\n"
      "identity. ROLE is free text such as \"billing contact\".\n",
      cmd_member_add },
    { "customer member remove", "ORG PERSON", "end a membership", NULL, cmd_member_remove },
    { "customer member list", "CUSTOMER",
      "list the memberships of an organisation or a person", NULL,
      cmd_member_list },
    { "identity add", "CUSTOMER KIND VALUE [--primary] [--verified] [--shared]",
      "add a way to reach or recognise a customer",
      "Kinds: phone (stored as E.164; national numbers are read in --country),\n"
      "email, social (network:handle, e.g. twitter:@jane), account, loyalty,\n"
      "or any other lower-case word. An identity belongs to one customer,\n"
      "unless each of its holders adds it --shared (a family landline).\n"
      "\n"
      "Options:\n"
      "  --primary    the customer's preferred identity of this kind (takes the\n"
      "               flag from the others)\n"
      "  --verified   confirmed to belong to the customer\n"
      "  --shared     other customers may hold it too\n",
      cmd_identity_add },
    { "identity remove", "CUSTOMER KIND VALUE",
      "remove a customer's identity (any form of the value)", NULL, cmd_identity_remove },
    { "identity flags", "CUSTOMER KIND VALUE [--primary] [--verified] [--shared]",
      "replace the flags of a customer's identity (none given: clear them)",
      "Options:\n"
      "  --primary    make it the preferred identity of its kind\n"
      "  --verified   mark it confirmed\n"
      "  --shared     let other customers hold it too (it stays shared while\n"
      "               another does)\n",
      cmd_identity_flags },
    { "identity show", "CUSTOMER KIND VALUE", "show a customer's identity", NULL,
      cmd_identity_show },
    { "identity lookup", "KIND VALUE",
      "find a customer by any form of an identity",
      "For example 'identity lookup phone \"(415) 555-0100\" --country US' finds\n"
      "the customer whose phone was stored as +1 415 555 0100. A shared identity\n"
      "with several holders names none of them: they are listed instead.\n",
      cmd_identity_lookup },
    { "identity list", "CUSTOMER", "list a customer's identities", NULL, cmd_identity_list },
    { "identity normalise", "KIND VALUE",
      "print the form a value is matched on, e.g. E.164",
      "This is what lookups compare: E.164 for phones (national numbers read in\n"
      "--country), lower case for e-mail addresses, and so on. No database is\n"
      "opened.\n",
      cmd_identity_normalise },
    { "config", "[NAME [VALUE]] [--unset]",
      "show the database's settings, or keep one in it",
      "Settings are kept in the database file, for every program that opens it.\n"
      "\n"
      "  default_country   the country national phone numbers are read in\n"
      "                    (\"(415) 555-0100\"), a two-letter ISO 3166 code such\n"
      "                    as US or DE; --country and $CRM_COUNTRY still win for\n"
      "                    the run they are given to\n"
      "\n"
      "Without NAME, every setting is shown; with NAME alone, that one. With a\n"
      "VALUE it is kept (and journaled); --unset removes it.\n"
      "\n"
      "Options:\n"
      "  --unset      remove the setting\n",
      cmd_config },
    { "journal", "[--since N]", "show the journal of changes, oldest first",
      "Options:\n"
      "  --since N    only entries after sequence number N (to follow the feed,\n"
      "               pass the last number seen)\n",
      cmd_journal },
    { "interaction log",
      "CUSTOMER --channel C --direction in|out [OPTIONS]",
      "record a contact with a customer and print its id",
      "Options:\n"
      "  --channel C        " CHANNEL_HELP "\n"
      "  --direction D      in (the customer reached us) or out (we reached them)\n"
      "  --at TIME          when it happened (default: now)\n"
      "  --by WHO           who handled it: agent:alice, team:billing, ivr:main-menu\n"
      "                     (default: the actor, --actor or $CRM_ACTOR, if set)\n"
      "  --no-by            handled by no one (a post nobody answered)\n"
      "  --reason CODE      why, in the business's own codes: billing.double_charge\n"
      "  --outcome O        " OUTCOME_HELP "\n"
      "  --public           the whole world can see it (a tweet, a review)\n"
      "  --sentiment N      -2 (angry) to +2 (delighted)\n"
      "  --summary TEXT     one paragraph on what it was about\n"
      "  --body TEXT        the full text: the e-mail, the transcript\n"
      "  --reply-to ID      the interaction this answers; joins its conversation\n"
      "  --ref EXTERNAL     its id outside (tweet id, call id, Message-ID), unique\n"
      "                     per channel: logging it again fails with status 4 and\n"
      "                     names the interaction already recorded\n"
      "\n" CUSTOMER_HELP "\n" CTL_TIME_HELP,
      cmd_interaction_log },
    { "interaction show", "ID", "show an interaction and its conversation", NULL,
      cmd_interaction_show },
    { "interaction update",
      "ID [--outcome O] [--reason CODE|--no-reason] [--summary TEXT] [--public|--no-public]",
      "record what was learnt after the fact",
      "Options:\n"
      "  --outcome O       " OUTCOME_HELP "\n"
      "  --reason CODE     a new reason code\n"
      "  --no-reason       clear the reason\n"
      "  --summary TEXT    a new summary\n"
      "  --no-summary      clear the summary\n"
      "  --public          the whole world can see it now (a post made public)\n"
      "  --no-public       it is not public (any more)\n"
      "\n"
      "The changes are made together, and each is journaled with the old value.\n",
      cmd_interaction_update },
    { "timeline", "CUSTOMER [OPTIONS]",
      "a customer's history on every channel, newest first",
      "Options:\n"
      "  --channel C[,C...]  only these channels (" CHANNEL_WORDS ",\n"
      "                      or names of your own)\n"
      "  --from TIME         only from this time on\n"
      "  --to TIME           only before this time\n"
      "  --reason PREFIX     only reason codes starting with PREFIX (billing.)\n"
      "  --direction D       only in or only out\n"
      "  --public            only what the whole world can see\n"
      "  --outcome O         only this outcome (none: not recorded)\n"
      "  --before ID         start after this interaction: pass the last id of the\n"
      "                      previous page to get the next one (with --thread, the\n"
      "                      next page holds the later ones)\n"
      "  --limit N           at most N interactions\n"
      "  --thread ID         only the conversation ID belongs to, oldest first;\n"
      "                      the other options filter it as they do the timeline\n"
      "\n"
      "Public interactions are marked (public) after their channel.\n"
      "\n" CUSTOMER_HELP "\n" CTL_TIME_HELP,
      cmd_timeline },
    { "promise make", "CUSTOMER [--owner WHO] --due TIME [--during INTERACTION] [--at TIME] WHAT",
      "promise a customer something and print its id",
      "Options:\n"
      "  --owner WHO           who must keep it: agent:alice, team:billing\n"
      "                        (default: the actor, --actor or $CRM_ACTOR)\n"
      "  --due TIME            when it is due\n"
      "  --during INTERACTION  the interaction it was made in (same customer)\n"
      "  --at TIME             when it was made, if earlier than now\n"
      "\n" CUSTOMER_HELP "\n" CTL_TIME_HELP,
      cmd_promise_make },
    { "promise keep", "ID [--by INTERACTION] [--note TEXT] [--at TIME]", "mark a promise kept",
      "Options:\n"
      "  --by INTERACTION   the interaction that kept it (same customer)\n"
      "  --note TEXT        anything worth saying\n"
      "  --at TIME          when it was kept, if earlier than now\n"
      "\n"
      "Only an open promise can be kept: any other gives status 4.\n" PROMISE_AT_HELP,
      cmd_promise_keep },
    { "promise break", "ID [--at TIME] WHY", "record that a promise was broken, and why",
      "Options:\n"
      "  --at TIME   when it was broken, if earlier than now\n"
      "\n"
      "Only an open promise can be broken: any other gives status 4.\n" PROMISE_AT_HELP,
      cmd_promise_break },
    { "promise release", "ID [--note TEXT] [--at TIME]",
      "release a promise the customer no longer needs",
      "Options:\n"
      "  --note TEXT   anything worth saying\n"
      "  --at TIME     when it was released, if earlier than now\n"
      "\n"
      "Only an open promise can be released: any other gives status 4.\n" PROMISE_AT_HELP,
      cmd_promise_release },
    { "promise renegotiate", "ID --due TIME [--agreed] [--at TIME] WHY",
      "move a promise's due time, saying why",
      "Options:\n"
      "  --due TIME   the new due time (not the one in force)\n"
      "  --agreed     the customer agreed to it\n"
      "  --at TIME    when it was renegotiated, if earlier than now\n"
      "\n"
      "The promise stays open; the old due time stays in its history.\n" PROMISE_AT_HELP,
      cmd_promise_renegotiate },
    { "promise show", "ID", "show a promise and its history", NULL, cmd_promise_show },
    { "promise list", "[OPTIONS]", "list promises by due time",
      "Options:\n"
      "  --customer C        only this customer's (an id or any identity)\n"
      "  --owner WHO         only this owner's\n"
      "  --open              only open ones\n"
      "  --overdue           only overdue ones: open and past due\n"
      "  --due-before TIME   only those due before TIME\n"
      "  --as-of TIME        judge overdue as of TIME (default: now)\n"
      "\n"
      "Overdue promises are marked OVERDUE; a renegotiated one shows its first\n"
      "due time, an arrow, and the one in force.\n"
      "\n" CTL_TIME_HELP,
      cmd_promise_list },
    { "occasion add",
      "CUSTOMER --kind K (--date YYYY-MM-DD | --yearly MM-DD [--year YYYY]) [OPTIONS]",
      "record a date that matters to a customer and print its id",
      "Options:\n"
      "  --kind K         birthday, renewal, anniversary, contract_end, or a word of\n"
      "                   your own ([a-z][a-z0-9_]*)\n"
      "  --date DATE      once, on this date\n"
      "  --yearly MM-DD   every year on this day (02-29: 28 February in common years)\n"
      "  --year YYYY      with --yearly: the year it began (a birth year)\n"
      "  --lead DAYS      surface it this many days before (default 0)\n"
      "  --note TEXT      anything worth saying\n"
      "\n" CUSTOMER_HELP,
      cmd_occasion_add },
    { "occasion remove", "ID", "remove an occasion", NULL, cmd_occasion_remove },
    { "occasion list", "CUSTOMER", "list a customer's occasions by day of the year",
      CUSTOMER_HELP, cmd_occasion_list },
    { "occasion upcoming", "[--from TIME] [--to TIME | --days N]",
      "occasions of every customer coming up in a window",
      "Options:\n"
      "  --from TIME   the window's first day (default: today)\n"
      "  --to TIME     the window ends before this day\n"
      "  --days N      the window is N days long (default 30)\n"
      "\n"
      "An occasion is listed when it falls on or after the first day and its lead\n"
      "(the days before it when it surfaces) starts inside the window. Days are\n"
      "calendar days in local time (in UTC with --utc).\n"
      "\n" CTL_TIME_HELP,
      cmd_occasion_upcoming },
    { "demo", "",
      "fill an empty database with samples and tell a customer's story",
      "It imports four sample customers in one transaction (people and an\n"
      "organisation, with phones, e-mail addresses, a social handle, a loyalty\n"
      "card, an account number, attributes, tags and memberships). Then Jane,\n"
      "who e-mailed about a double charge last week and complained about it in\n"
      "public yesterday, calls: the IVR knows her number although it is written\n"
      "differently, the agent sees her whole history, resolves the call and\n"
      "promises a callback, which is later moved with her agreement. A promise\n"
      "to Raj is overdue and Jane's birthday is coming up. A call from an\n"
      "unknown number follows; the timeline, the promises, the occasions and\n"
      "the last changes in the journal close the story.\n"
      "\n"
      "The demo needs a database without any changes in it: it refuses, with\n"
      "exit status 4, a file that already holds data. Remove the file to run it\n"
      "again. Phone numbers are read in the US unless --country is given.\n",
      cmd_demo },
    { "report", "NAME [--from TIME] [--to TIME] [options]",
      "a report: reasons, repeats, fcr, handover, keep-rate or channel-mix",
      "Reports (docs/reports.md):\n"
      "  reasons      why customers contact the business: per reason, contacts,\n"
      "               share and cumulative share (a Pareto)\n"
      "  repeats      contacts about the same reason again within --repeat-days\n"
      "  fcr          first contacts resolved with no repeat, per channel and reason\n"
      "  handover     IVR contacts followed by a person within --handover-minutes\n"
      "  keep-rate    promises made, kept on time, late, broken, overdue, per owner\n"
      "  channel-mix  interactions per --period, channel, direction and public flag\n"
      "\n"
      "Options:\n"
      "  --from TIME, --to TIME   the window [from, to) (default: all time)\n"
      "  --channels LIST          only these channels, e.g. phone,whatsapp\n"
      "  --owner WHO              only the customers this owner looks after\n"
      "  --depth N                reason levels (billing.refund at 1 is billing);\n"
      "                           0 = whole codes (default)\n"
      "  --repeat-days N          default 7\n"
      "  --handover-minutes N     default 30\n"
      "  --as-of TIME             keep-rate: overdue as of this time (default now)\n"
      "  --period day|week|month  channel-mix (default day; weeks from Monday, UTC)\n"
      "  --by-channel             reasons: a row per channel under each reason\n"
      "\n"
      "A table shows shares as percentages; --json and --csv give them as\n"
      "fractions, under the column names.\n"
      "\n" CTL_TIME_HELP,
      cmd_report },
    { "agenda", "[--owner WHO] [--as-of TIME] [--horizon HOURS] [--kind K[,K...]] [--limit N]",
      "what needs doing, most needed first",
      "Options:\n"
      "  --owner WHO      only this owner's: the promises it owns and those, the\n"
      "                   waiting contacts and the occasions of the customers it\n"
      "                   looks after (default: everyone's)\n"
      "  --as-of TIME     as of this time (default: now)\n"
      "  --horizon HOURS  promises due within this many hours (default 24)\n"
      "  --kind K[,K...]  only these kinds: promise_overdue, promise_due,\n"
      "                   contact_waiting, occasion\n"
      "  --limit N        at most N items\n"
      "\n"
      "Items are ordered by how long they have waited plus a head start for\n"
      "their kind (an overdue promise 48 hours, one due soon 24), never by the\n"
      "channel or whether a contact was public; docs/agenda.md has the rule.\n"
      "\n" CTL_TIME_HELP,
      cmd_agenda },
    { "search", "QUERY [OPTIONS]",
      "find what was said or written, in every customer's records, best first",
      "QUERY is words, each matched whole and without regard to case or accents\n"
      "(\"muller\" finds \"M\xc3\xbc" "ller\"); a word ending in * matches every word it\n"
      "starts (\"cus*\"); words in double quotes must follow each other. Every word\n"
      "must match. Everything but letters and digits separates words.\n"
      "\n"
      "Options:\n"
      "  --kinds K,K     only these kinds of record: customer (names), identity,\n"
      "                  attribute, interaction (summaries and bodies), promise\n"
      "  --customer C    only this customer's records (an id or any identity)\n"
      "  --owner WHO     only the records of the customers WHO looks after\n"
      "  --archived      archived customers' records too\n"
      "  --limit N       at most N matches (default 20, at most 1000)\n"
      "  --offset N      skip the N best (the next page)\n"
      "\n"
      "Each match shows its kind, the customer, what matched (an identity's kind or\n"
      "an attribute's key and the field), the words around it with the matched\n"
      "ones in [brackets], and the interaction's or promise's id (else the\n"
      "customer's).\n",
      cmd_search },
    { "interaction delete", "ID", "delete an interaction logged by mistake",
      "Its replies then answer what it answered, and promises made or kept\n"
      "during it lose the link. An interaction a consent event names is kept\n"
      "(exit status 4). The journal keeps no word of what was said in it.\n",
      cmd_interaction_delete },
    { "consent grant", "CUSTOMER PURPOSE [--channel C] [--at TIME] [--during ID] [--note TEXT]",
      "record that a customer agrees to be contacted for a purpose",
      "PURPOSE is the business's code: marketing, service_updates, surveys, ...\n"
      "\n"
      "Options:\n"
      "  --channel C    only this channel (phone, email, sms, a custom one an\n"
      "                 interaction used); default: every channel\n"
      "  --at TIME      when the customer said so (default: now; never later)\n"
      "  --during ID    the interaction during which it was said\n"
      "  --note TEXT    free text kept with the event (not in the journal)\n"
      "\n" CTL_TIME_HELP,
      cmd_consent_grant },
    { "consent withdraw", "CUSTOMER PURPOSE [--channel C] [--at TIME] [--during ID] [--note TEXT]",
      "record that a customer withdraws consent for a purpose",
      "Options as for consent grant.\n", cmd_consent_withdraw },
    { "consent show", "CUSTOMER [--purpose P] [--channel C]",
      "a customer's consent events, newest first",
      "  --purpose P    only this purpose's events\n"
      "  --channel C    only the events that bear on C: its own and every channel's\n"
      "The first event of a purpose on a channel is the one that decides it.\n",
      cmd_consent_show },
    { "consent check", "CUSTOMER PURPOSE [--channel C]",
      "may the customer be contacted for PURPOSE on C? yes or no, and why",
      "Answers from the latest event of PURPOSE on C or on every channel (without\n"
      "--channel: on every channel at once); no event means no. Prints yes or no\n"
      "and the deciding event. Exit status 0 for yes, 1 for no; any failure is\n"
      "another status than 0 as well, so a script that sends only on 0 never\n"
      "sends by mistake.\n",
      cmd_consent_check },
    /* a customer's own data (cmd_privacy.c) */
    { "customer export", "CUSTOMER [--output FILE | -o FILE]",
      "print everything held about a customer as one JSON document",
      "The document's format is docs/export-format.md (\"libcrm-customer-export\",\n"
      "version 1): the customer, identities, attributes, tags, memberships,\n"
      "interactions, promises with their history, occasions, consent events and\n"
      "the journal entries about it. --output (or -o) writes it to FILE.\n"
      "\n" CUSTOMER_HELP,
      cmd_customer_export },
    { "customer erase", "CUSTOMER --yes [--no-purge]", "erase a customer's personal data for good",
      "What goes and what stays is docs/privacy.md: names, identities,\n"
      "attributes, tags, memberships, occasions and every text go, in the journal\n"
      "too; anonymous interactions, promises and consent events stay, so reports\n"
      "keep their numbers. It cannot be undone: --yes says you mean it.\n"
      "Afterwards the customer is not found (status 1, saying when it was erased).\n"
      "Then it purges (see purge), so nothing of the customer is left in the file;\n"
      "--no-purge leaves that to a later purge (erasing many, one purge after).\n"
      "If the purge cannot finish, the erase stands: the status is the purge's.\n"
      "\n" CUSTOMER_HELP,
      cmd_customer_erase },
    { "retention erase-inactive", "--before TIME [--dry-run]",
      "erase every customer with no activity since TIME",
      "Activity: created or changed, an interaction, a promise step, a journal\n"
      "entry about the customer. --dry-run counts them and changes nothing.\n"
      "\n" CTL_TIME_HELP,
      cmd_retention_erase_inactive },
    { "retention drop-journal", "--before TIME [--dry-run]",
      "drop the journal entries older than TIME",
      "One entry is left saying how many were dropped and the cut-off.\n"
      "--dry-run counts them and changes nothing.\n"
      "\n" CTL_TIME_HELP,
      cmd_retention_drop_journal },
    { "purge", "", "leave nothing of erased data in the file",
      "Rewrites the search index where erases left words in it (SQLite before\n"
      "3.42), in short steps, then copies the log back into the file and empties\n"
      "it, so that no older copy of a page stays. After erases and retention runs.\n"
      "Status 5 while another program reads an older snapshot: try again.\n",
      cmd_purge },
    { "customer duplicates", "[OPTIONS]",
      "pairs of customers that may be one person or organisation, best first",
      "Options:\n"
      "  --customer C     only the pairs of this customer (an id or any identity)\n"
      "  --keys K,K       attribute keys whose equal values make a pair, e.g.\n"
      "                   date_of_birth\n"
      "  --min-score N    1 to 100 (default 50: a name alone scores 40)\n"
      "  --archived       only pairs with an archived customer\n"
      "  --all            pairs of active and archived customers (default: active)\n"
      "  --limit N        at most N pairs\n"
      "\n"
      "A pair is found by the same name without case or accents, one identity\n"
      "value both hold, or the same value of a --keys attribute; its score adds\n"
      "name 40, email_domain 20, phone_suffix 30, organisation 20, attribute 30\n"
      "each, identity 60 (at most 100). docs/merge.md has the rules.\n",
      cmd_customer_duplicates },
    { "customer merge", "KEEP ABSORB",
      "merge customer ABSORB into KEEP: everything it holds moves to KEEP",
      "ABSORB's id goes on naming KEEP. An attribute both have keeps KEEP's value;\n"
      "a consent withdrawal of either is never lost to a grant of the other.\n"
      "'crmctl customer unmerge ABSORB' undoes it while nothing changed since.\n",
      cmd_customer_merge },
    { "customer unmerge", "ID",
      "undo the merge that absorbed customer ID, while nothing changed since", NULL,
      cmd_customer_unmerge },
    { "import", "csv|vcard|jsonl FILE [--skip] [--map COLUMN=TARGET;...] [--kind K]",
      "import customers from a file, in one transaction",
      "Options:\n"
      "  --skip          leave bad rows out and list them (default: the first bad\n"
      "                  row stops the import and nothing is kept)\n"
      "  --map SPEC      CSV: which column is what, e.g. 'E-Mail=email;Mobil=phone;\n"
      "                  Kundennr=identity:account;USt=attr:vat' (default: guessed\n"
      "                  from the header names, docs/import-export.md)\n"
      "  --kind K        person (default) or organisation, for rows without a kind\n"
      "  --progress      a progress line on stderr even when it is not a terminal\n"
      "\n"
      "A row whose identities (or id, or vCard UID) name a customer updates that\n"
      "customer; importing the same file again adds nothing. JSON Lines go into an\n"
      "empty database (or again into the one they came from) with ids and times\n"
      "kept. Errors name the line and column.\n",
      cmd_import },
    { "export", "csv|vcard|jsonl [FILE]",
      "write every customer as CSV or vCard 4.0, or the whole database as JSON Lines",
      "Without FILE (or with -), to standard output. What `import` reads back.\n",
      cmd_export },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char global_help[] =
    "Global options (accepted before or after the command):\n"
    "  --db PATH      database file (default: $CRM_DB, else ./crm.db)\n"
    "  --actor WHO    who makes the changes, recorded in the journal, e.g.\n"
    "                 agent:alice (default: $CRM_ACTOR, else \"system\")\n"
    "  --country CC   region for national phone numbers, e.g. US or DE\n"
    "                 (default: $CRM_COUNTRY, else the database's own, set with\n"
    "                 'crmctl config default_country CC', else none)\n"
    "  --json         print JSON instead of tables\n"
    "  --csv          print lists as CSV: a header of field names, then a row\n"
    "                 per record, the fields and values of --json\n"
    "  --utc          show times in UTC as ISO-8601 with Z (default: local time,\n"
    "                 from $TZ); times typed without a zone are still local\n"
    "  -h, --help     show help; 'crmctl COMMAND --help' for one command\n"
    "  --version      print the versions of crmctl and libcrm\n";

static const char exit_help[] =
    "Exit status:\n"
    "  0  success\n"
    "  1  not found\n"
    "  2  usage error: the command line is wrong (an unknown command or option,\n"
    "     an argument missing or one too many, options that exclude each other)\n"
    "  3  invalid value: a malformed time, number, word, id, phone number, name\n"
    "     ..., whether crmctl or libcrm finds it\n"
    "  4  conflict: it already exists, the change is not allowed now, or what\n"
    "     names a customer names several\n"
    "  5  database trouble: busy, cannot open, I/O error, damaged file, no memory\n"
    "  6  not a libcrm database, or written by a newer libcrm\n"
    "With --json (or --csv) an error is one line of JSON on standard error:\n"
    "  {\"error\":{\"code\":\"EINVAL\",\"status\":3,\"message\":\"...\"}}\n";

/* Words in a command name. */
static int name_words(const char *name)
{
    int n = 1;
    for (; *name; name++)
        n += *name == ' ';
    return n;
}

/* 1 if the first nwords words of argv spell exactly the first nwords words
 * of name (all of it when full is set). */
static int words_match(const char *name, char **argv, int nwords, int full)
{
    const char *p = name;
    for (int i = 0; i < nwords; i++) {
        size_t len = strlen(argv[i]);
        if (strncmp(p, argv[i], len) != 0 || (p[len] != ' ' && p[len] != '\0'))
            return 0;
        p += len;
        if (*p == ' ')
            p++;
        else if (i + 1 < nwords)
            return 0;
    }
    return !full || *p == '\0';
}

/* Commands whose name starts with the given words, as a table. */
static void list_commands(FILE *f, char **words, int nwords, int with_help)
{
    ctl_table t;
    ctl_table_init(&t, 2, NULL);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (!words_match(commands[i].name, words, nwords, 0))
            continue;
        const char *cells[] = { commands[i].name, commands[i].summary };
        ctl_table_add(&t, cells);
    }
    if (with_help) {
        const char *cells[] = { "help COMMAND", "show the help of a command" };
        ctl_table_add(&t, cells);
    }
    if (ctl_table_print(&t, f, "  ") != 0)
        fputs("  (out of memory listing the commands)\n", f);
    ctl_table_free(&t);
}

static void top_help(FILE *f)
{
    fputs("Usage: crmctl [--db PATH] [--actor WHO] [--country CC] [--json|--csv] [--utc] COMMAND [ARGS]\n"
          "\n"
          "Keep customers, the ways to reach them, every contact with them on every\n"
          "channel, the promises made to them, the dates that matter to them, and the\n"
          "journal of every change in a libcrm database.\n"
          "\n"
          "Commands:\n",
          f);
    list_commands(f, NULL, 0, 1);
    fputc('\n', f);
    fputs(global_help, f);
    fputc('\n', f);
    fputs(exit_help, f);
    fputs("\nA CUSTOMER is an id or anything the customer is known by: a phone number,\n"
          "an e-mail address, a social handle (twitter:@jane), an account or loyalty\n"
          "number.\n",
          f);
    fputs("\n'crmctl COMMAND --help' shows the arguments and options of a command.\n", f);
}

static void group_help(FILE *f, char **words, int nwords)
{
    fputs("Usage: crmctl", f);
    for (int i = 0; i < nwords; i++)
        ctl_fprintf(f, " %s", words[i]);
    fputs(" COMMAND [ARGS]\n\nCommands:\n", f);
    list_commands(f, words, nwords, 0);
    fputs("\n'crmctl COMMAND --help' shows the arguments and options of a command.\n", f);
}

void ctl_command_help(const ctl_command *cmd, FILE *f)
{
    fprintf(f, "Usage: crmctl %s%s%s\n\n", cmd->name, *cmd->args ? " " : "", cmd->args);
    /* The summary reads as a sentence here. */
    fprintf(f, "%c%s.\n", cmd->summary[0] >= 'a' && cmd->summary[0] <= 'z'
                              ? cmd->summary[0] - 'a' + 'A' : cmd->summary[0],
            cmd->summary + 1);
    if (cmd->details)
        fprintf(f, "\n%s", cmd->details);
    fputs("\nGlobal options: --db PATH, --actor WHO, --country CC, --json, --csv, --utc\n"
          "(see 'crmctl --help', which also lists the exit statuses).\n",
          f);
}

/* ---- errors and the database ------------------------------------------------ */

static int exit_status(int code)
{
    switch (code) {
    case CRM_OK:
        return EXIT_OK;
    case CRM_ENOTFOUND:
        return EXIT_NOTFOUND;
    case CRM_EINVAL:
        return EXIT_INVALID;
    case CRM_EEXISTS:
    case CRM_ESTATE:
    case CRM_EAMBIGUOUS:
        return EXIT_CONFLICT;
    case CRM_ENOTCRM:
    case CRM_ESCHEMA:
        return EXIT_NOTCRM;
    default:
        return EXIT_DATABASE;
    }
}

/* ---- how errors are told ------------------------------------------------------ */

/*
 * With --json (or --csv) a script reads the output, and it reads the
 * errors too: every message of the run is gathered and told once, at the
 * end, as one line of JSON on stderr with the exit status and a code
 * ({"error":{"code":"EINVAL","status":3,"message":"..."}}). Otherwise each
 * is a "crmctl: ..." line as it comes.
 */
static int errors_json;
static FILE *err_mem;
static char *err_text;
static size_t err_len;
static const char *err_code; /* libcrm's name for its code, when it failed */

FILE *ctl_err_begin(void)
{
    if (!errors_json) {
        fputs("crmctl: ", stderr);
        return stderr;
    }
    if (!err_mem && !(err_mem = open_memstream(&err_text, &err_len)))
        return stderr; /* no memory: the text form is better than none */
    if (ftell(err_mem) > 0)
        fputs("; ", err_mem);
    return err_mem;
}

void ctl_err_end(FILE *f)
{
    if (f == stderr)
        fputc('\n', f);
}

FILE *ctl_err_extra(void)
{
    return errors_json ? NULL : stderr;
}

/* The code a status stands for when libcrm named none. */
static const char *status_code(int status)
{
    static const char *const codes[] = { "OK", "ENOTFOUND", "USAGE", "EINVAL",
                                         "ECONFLICT", "EDATABASE", "ENOTCRM" };
    return status >= 0 && status <= EXIT_NOTCRM ? codes[status] : "ERROR";
}

/* Tell the gathered messages as one JSON line (--json): an error with the
 * exit status, or, when the run succeeded, a warning. */
static void errors_flush(int status)
{
    if (!err_mem)
        return;
    fclose(err_mem);
    err_mem = NULL;
    ctl_json j;
    ctl_json_init(&j, stderr);
    j.csv = 0;
    fputs(status ? "{\"error\":{\"code\":" : "{\"warning\":{", stderr);
    if (status) {
        ctl_json_write_string(stderr, err_code ? err_code : status_code(status));
        fprintf(stderr, ",\"status\":%d,", status);
    }
    fputs("\"message\":", stderr);
    ctl_json_write_string(stderr, err_text ? err_text : "");
    fputs("}}\n", stderr);
    free(err_text);
    err_text = NULL;
}

void ctl_error(const char *fmt, ...)
{
    va_list ap;
    FILE *f = ctl_err_begin();
    va_start(ap, fmt);
    ctl_vfprintf(f, fmt, ap);
    va_end(ap);
    ctl_err_end(f);
}

/* libcrm's message, which quotes values (some of them a person's input,
 * some stored text) and escapes only their C0 controls and backslashes:
 * the rest is escaped here. */
static FILE *lib_message(const char *msg)
{
    FILE *f = ctl_err_begin();
    ctl_escape_write(f, msg, strlen(msg), CTL_ESC_MESSAGE);
    return f;
}

void ctl_error_after(const char *msg, const char *fmt, ...)
{
    va_list ap;
    FILE *f = lib_message(msg);
    va_start(ap, fmt);
    ctl_vfprintf(f, fmt, ap);
    va_end(ap);
    ctl_err_end(f);
}

int ctl_fail_msg(crmctl *ctl, int rc, const char *msg)
{
    if (!err_code)
        err_code = crm_errname(rc);
    /* libcrm speaks of its API; a person at a terminal is told what to type. */
    if (rc == CRM_EINVAL && strstr(msg, "the database has no default country"))
        ctl_error_after(msg, " (with crmctl: --country CC, or $CRM_COUNTRY, or keep one in the "
                             "database: crmctl config default_country CC)");
    else if (rc == CRM_EINVAL && ctl->country &&
             strstr(msg, "crm_open_options.default_country"))
        ctl_error("%s '%s' is not a country the phone normaliser knows; use a two-letter "
                  "ISO 3166 code such as US or DE",
                  ctl->country_given ? "--country" : "$CRM_COUNTRY", ctl->country);
    else if (rc == CRM_EIO && strstr(msg, "pass CRM_OPEN_CREATE"))
        ctl_error("no database at '%s' (--db or $CRM_DB names it; adding a customer creates it)",
                  ctl->db_path);
    else
        ctl_err_end(lib_message(msg));
    return exit_status(rc);
}

int ctl_fail(crmctl *ctl, int rc)
{
    return ctl_fail_msg(ctl, rc, crm_errmsg(ctl->db));
}

int ctl_open(crmctl *ctl, ctl_access mode)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    /* Reading never creates a file: a typo in --db should not leave an
     * empty database behind. */
    o.flags = mode == CTL_WRITE ? CRM_OPEN_CREATE : 0;
    o.actor = ctl->actor;
    o.default_country = ctl->country;
    if (mode == CTL_READ && strcmp(ctl->db_path, ":memory:") != 0 &&
        access(ctl->db_path, F_OK) != 0) {
        ctl_error("no database at '%s' (--db or $CRM_DB names it; adding a customer creates it)",
                  ctl->db_path);
        return EXIT_DATABASE;
    }
    int rc = crm_open(&ctl->db, ctl->db_path, &o);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc); /* ctl->db is still NULL: crm_errmsg(NULL) */
    return EXIT_OK;
}

int ctl_start(crmctl *ctl, const ctl_command *cmd, int argc, char **argv,
              const ctl_option *opts, const char **pos, int min_pos, int max_pos,
              ctl_access mode)
{
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, min_pos, max_pos);
    if (st != CTL_CONTINUE)
        return st;
    st = ctl_open(ctl, mode);
    return st == EXIT_OK ? CTL_CONTINUE : st;
}

int ctl_open_customer(crmctl *ctl, ctl_access mode, const char *arg, char id[CRM_ID_LEN + 1])
{
    int st = ctl_open(ctl, mode);
    return st == EXIT_OK ? ctl_resolve_customer_id(ctl, arg, id) : st;
}

int ctl_start_customer(crmctl *ctl, const ctl_command *cmd, int argc, char **argv,
                       const ctl_option *opts, const char **pos, int min_pos, int max_pos,
                       ctl_access mode, char id[CRM_ID_LEN + 1])
{
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, min_pos, max_pos);
    if (st != CTL_CONTINUE)
        return st;
    st = ctl_open_customer(ctl, mode, pos[0], id);
    return st == EXIT_OK ? CTL_CONTINUE : st;
}

/* ---- dispatch ------------------------------------------------------------------- */

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* The word at position depth of a command name (its length in *len), or
 * NULL when the name has fewer words. */
static const char *name_word(const char *name, int depth, size_t *len)
{
    for (; depth > 0; depth--) {
        name = strchr(name, ' ');
        if (!name)
            return NULL;
        name++;
    }
    *len = strcspn(name, " ");
    return name;
}

/* The command word nearest to argv[depth] among those that may follow
 * argv[0..depth) ("promise" for "promis"; "list" for "customer lst"), or
 * NULL. Static storage. */
static const char *near_word(char **argv, int depth)
{
    static char words[NCOMMANDS + 1][32];
    const char *cands[NCOMMANDS + 1];
    size_t n = 0;
    if (depth == 0) {
        strcpy(words[n], "help");
        cands[n] = words[n];
        n++;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        size_t len;
        const char *w = name_word(commands[i].name, depth, &len);
        if (!w || len >= sizeof words[0] || (depth > 0 && !words_match(commands[i].name, argv, depth, 0)))
            continue;
        size_t k = 0;
        while (k < n && !(strlen(cands[k]) == len && memcmp(cands[k], w, len) == 0))
            k++;
        if (k < n)
            continue;
        memcpy(words[n], w, len);
        words[n][len] = '\0';
        cands[n] = words[n];
        n++;
    }
    return ctl_suggest(argv[depth], strlen(argv[depth]), cands, n);
}

/* Run the command named by the words at argv[0..argc). */
static int dispatch(crmctl *ctl, int argc, char **argv)
{
    int nwords = 0;
    while (nwords < argc && argv[nwords][0] != '-')
        nwords++;

    /* The longest command name the words spell wins. */
    const ctl_command *cmd = NULL;
    int cmd_words = 0;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        int n = name_words(commands[i].name);
        if (n <= nwords && n > cmd_words && words_match(commands[i].name, argv, n, 1)) {
            cmd = &commands[i];
            cmd_words = n;
        }
    }
    if (cmd)
        return cmd->run(ctl, cmd, argc - cmd_words, argv + cmd_words);

    /* Not a command: maybe the start of some ("customer attr"). */
    int group = 0;
    for (size_t i = 0; i < NCOMMANDS; i++)
        for (int n = nwords; n > group; n--)
            if (words_match(commands[i].name, argv, n, 0))
                group = n;
    if (group == 0) {
        const char *near = near_word(argv, 0);
        if (near)
            return ctl_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", argv[0], near);
        return ctl_usage_error(NULL, "unknown command '%s'", argv[0]);
    }
    if (group < nwords) {
        const char *near = near_word(argv, group);
        FILE *f = ctl_err_begin();
        fputs("unknown command '", f);
        for (int i = 0; i <= group; i++)
            ctl_fprintf(f, "%s%s", i ? " " : "", argv[i]);
        fputc('\'', f);
        if (near) {
            fputs("; did you mean '", f);
            for (int i = 0; i < group; i++)
                ctl_fprintf(f, "%s ", argv[i]);
            ctl_fprintf(f, "%s'?", near);
        }
        ctl_err_end(f);
        if ((f = ctl_err_extra()) != NULL) {
            fputs("Commands:\n", f);
            list_commands(f, argv, group, 0);
        }
        return EXIT_USAGE;
    }
    for (int i = group; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            group_help(stdout, argv, group);
            return EXIT_OK;
        }
    ctl_error("'%s' needs a command after it", argv[group - 1]);
    if (ctl_err_extra())
        group_help(ctl_err_extra(), argv, group);
    return EXIT_USAGE;
}

/* `crmctl help [WORDS...]`: the help of a command or a group of them, the
 * same as `crmctl WORDS... --help` (which may also follow: `help CMD --help`). */
static int help_command(int argc, char **argv)
{
    char *words[8];
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            continue;
        if (argv[i][0] == '-')
            return ctl_usage_error(NULL, "help: unknown option '%s'", argv[i]);
        if (n == 8)
            return ctl_usage_error(NULL, "help: no command has that many words");
        words[n++] = argv[i];
    }
    if (n == 0) {
        top_help(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (name_words(commands[i].name) == n && words_match(commands[i].name, words, n, 1)) {
            ctl_command_help(&commands[i], stdout);
            return EXIT_OK;
        }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (words_match(commands[i].name, words, n, 0)) {
            group_help(stdout, words, n);
            return EXIT_OK;
        }
    /* The longest start that names something, and a guess at the next word. */
    int depth = 0;
    for (size_t i = 0; i < NCOMMANDS; i++)
        for (int k = n - 1; k > depth; k--)
            if (words_match(commands[i].name, words, k, 0))
                depth = k;
    const char *near = near_word(words, depth);
    char start[256] = "";
    for (int i = 0; i < depth && strlen(start) + strlen(words[i]) + 2 < sizeof start; i++)
        strcat(strcat(start, words[i]), " ");
    if (near)
        return ctl_usage_error(NULL, "no help for '%s%s': no such command; did you mean '%s%s'?",
                               start, words[depth], start, near);
    return ctl_usage_error(NULL, "no help for '%s%s': no such command", start, words[depth]);
}

static int run(crmctl *ctl, int argc, char **argv)
{
    int i = 1;
    /* For the shell's completion script; not listed in the help. */
    if (argc > 1 && strcmp(argv[1], "__complete") == 0)
        return ctl_complete(commands, NCOMMANDS, argc - 2, argv + 2);
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *arg = argv[i];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const char **value = NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            top_help(stdout);
            return EXIT_OK;
        } else if (strcmp(arg, "--version") == 0) {
            printf("crmctl %s (libcrm %s, schema version %d)\n", CRM_VERSION_STRING,
                   crm_version(), crm_schema_version_max());
            return EXIT_OK;
        } else if (strcmp(arg, "--json") == 0) {
            ctl->json = 1;
            continue;
        } else if (strcmp(arg, "--csv") == 0) {
            ctl->csv = ctl->json = 1;
            ctl_output_csv(1);
            continue;
        } else if (strcmp(arg, "--utc") == 0) {
            ctl->utc = 1;
            ctl_time_set_utc(1);
            continue;
        } else if (strcmp(arg, "--") == 0) {
            i++;
            break;
        } else if (len == 4 && strncmp(arg, "--db", len) == 0) {
            value = &ctl->db_path;
        } else if (len == 7 && strncmp(arg, "--actor", len) == 0) {
            value = &ctl->actor;
        } else if (len == 9 && strncmp(arg, "--country", len) == 0) {
            value = &ctl->country;
            ctl->country_given = 1;
        } else {
            static const char *const names[] = { "db", "actor", "country", "json", "csv",
                                                 "utc", "help", "version" };
            const char *near = arg[1] == '-' ? ctl_suggest(arg + 2, len - 2, names, 8) : NULL;
            if (near)
                return ctl_usage_error(NULL, "unknown option '%.*s'; did you mean '--%s'?",
                                       (int)len, arg, near);
            return ctl_usage_error(NULL, "unknown option '%.*s'", (int)len, arg);
        }
        if (eq)
            *value = eq + 1;
        else if (i + 1 < argc)
            *value = argv[++i];
        else
            return ctl_usage_error(NULL, "option '%s' needs a value", arg);
    }
    if (ctl->country && !*ctl->country)
        ctl->country = NULL;
    if (i == argc)
        return ctl_usage_error(NULL, "no command given");
    if (strcmp(argv[i], "help") == 0)
        return help_command(argc - i - 1, argv + i + 1);
    return dispatch(ctl, argc - i, argv + i);
}

int main(int argc, char **argv)
{
    crmctl ctl = { 0 };
    tzset();
    ctl.db_path = env("CRM_DB") ? env("CRM_DB") : "crm.db";
    ctl.actor = env("CRM_ACTOR");
    ctl.country = env("CRM_COUNTRY");

    /* Errors are JSON when the output is, wherever --json stands. */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "--csv") == 0)
            errors_json = 1;

    /* A table shown on a terminal fits its width; piped, it is whole. */
    if (isatty(STDOUT_FILENO)) {
        const char *columns = env("COLUMNS");
        uint64_t n = 0;
        struct winsize ws;
        if (columns && ctl_parse_uint(columns, 10000, &n) == 0 && n >= 20)
            ctl_output_set_width((size_t)n);
        else if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
            ctl_output_set_width(ws.ws_col);
    }

    int status = run(&ctl, argc, argv);

    if (ctl.db) {
        int rc = crm_close(ctl.db);
        if (rc != CRM_OK) {
            int st = ctl_fail(&ctl, rc);
            if (status == EXIT_OK)
                status = st;
        }
    }
    if (ctl_output_failed() && status == EXIT_OK)
        status = EXIT_USAGE;
    /* Output that never arrived (a full disk, a closed pipe) is a failure. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        ctl_error("cannot write the output: %s", strerror(errno));
        if (status == EXIT_OK)
            status = EXIT_DATABASE;
    }
    errors_flush(status);
    return status;
}
