"""Every sentence the bot says, in one place, built from one vocabulary (:mod:`bot.words.vocabulary`).

The analysis returns data (BaseResult, Event, NoBase, …); these modules say it: embeds'
words, titles, event reasons, status lines, announcements, watchlist / alerts / history
texts, chart titles and labels, the CLI's prose summaries.

Layer rule (tests/test_words_layers.py): words import the standard library, each other and
the analysis' data types (models, event types, parameters) — never discord, pandas, the
store, the market, charts, reports, the scan, the app or the cogs. Anything may import words.
"""
