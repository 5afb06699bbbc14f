"""Demo content: the seed story from seed-page.txt plus a small, varied newsroom around it."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

SEED_PAGE = Path(__file__).with_name("seed-page.txt")


@dataclass(frozen=True)
class SeedStory:
    title: str
    category: str
    paragraphs: list[str]


def parse_seed_page(text: str) -> SeedStory:
    """Read the seed page: a title, a `Category:` line, paragraphs, then the discussion footer."""
    lines = [line.strip() for line in text.splitlines()]
    blocks = [line for line in lines if line]
    title = blocks[0]
    category_index = next(i for i, b in enumerate(blocks) if re.search(r"Category:", b))
    category = blocks[category_index].split("Category:", 1)[1].strip()
    paragraphs = []
    for block in blocks[category_index + 1 :]:
        if block.startswith(("Comment(s)", "Trackback")):
            break
        paragraphs.append(block)
    return SeedStory(title=title, category=category, paragraphs=paragraphs)


CATEGORIES = [
    ("Politics", "politics", "Government, elections and public policy."),
    ("Business", "business", "Markets, companies and the economy."),
    ("Technology", "technology", "Science, software and the people who make them."),
    ("Sport", "sport", "Results, transfers and the stories behind them."),
    ("Other", "other", "Everything else worth knowing."),
]

# (slug, title, category slug, standfirst, body, days before the seed story)
STORIES = [
    (
        "city-council-approves-budget",
        "City council approves a budget with more for transit",
        "politics",
        "Bus routes are to run every ten minutes on the busiest lines by spring.",
        "The council voted 31 to 12 on Tuesday night after a five-hour debate.\n\n"
        '> "People asked for buses that come when they need them," the transport chair said.\n\n'
        "Opponents argued that the plan leans too heavily on a one-off grant.",
        2,
    ),
    (
        "port-expansion-hearing",
        "Residents question port expansion at public hearing",
        "politics",
        "Noise, traffic and jobs dominated a packed evening at the town hall.",
        "More than two hundred people attended the hearing.\n\n"
        "The port authority promised a written answer to every question within a month.",
        18,
    ),
    (
        "election-turnout-record",
        "Regional election turnout reaches a twenty-year high",
        "politics",
        "Early voting accounted for almost a third of all ballots.",
        "Turnout stood at 71 per cent, up nine points on the last election.\n\n"
        "Officials credited longer opening hours at polling stations.",
        47,
    ),
    (
        "bakery-chain-expands",
        "Family bakery chain opens its twelfth shop",
        "business",
        "The owners say they will keep baking everything on site.",
        "The new shop opens on Saturday with forty seats and a small garden.\n\n"
        "- twelve shops\n- three hundred staff\n- one recipe book",
        5,
    ),
    (
        "central-bank-holds-rates",
        "Central bank holds interest rates steady",
        "business",
        "Policymakers signalled that cuts could come later in the year.",
        "The decision was unanimous.\n\nThe bank expects inflation to ease towards its target "
        "by the end of next year.",
        33,
    ),
    (
        "shipping-costs-fall",
        "Container shipping costs fall for a third month",
        "business",
        "Importers are starting to pass lower costs on to shoppers.",
        "Spot rates on the main Asia to Europe routes fell by eight per cent in May.",
        64,
    ),
    (
        "open-source-library-funding",
        "Volunteer-run software library wins public funding",
        "technology",
        "The grant pays two maintainers for two years.",
        "The library is used by thousands of public websites.\n\n"
        "## What the money buys\n\nSecurity audits, documentation and a long-term support release.",
        9,
    ),
    (
        "solar-farm-goes-online",
        "Largest solar farm in the region goes online",
        "technology",
        "It can power about 40,000 homes on a sunny day.",
        "The farm covers 120 hectares of former quarry land.\n\n"
        "Sheep will graze between the panels to keep the grass down.",
        26,
    ),
    (
        "school-coding-clubs",
        "Coding clubs spread to every secondary school",
        "technology",
        "Teachers say the clubs draw pupils who never joined a team before.",
        "The programme started with six schools three years ago.",
        90,
    ),
    (
        "local-club-promoted",
        "Local football club wins promotion on the final day",
        "sport",
        "A header in the 89th minute sealed a 2-1 win away from home.",
        "Thousands of fans travelled for the match.\n\n"
        "The manager dedicated the win to the club's volunteers.",
        12,
    ),
    (
        "marathon-new-course",
        "City marathon announces a flatter, faster course",
        "sport",
        "Organisers hope the change brings a course record.",
        "The new route avoids the two steepest hills of the old course.",
        40,
    ),
    (
        "swimmer-national-record",
        "Teenage swimmer breaks a national record",
        "sport",
        "She took almost half a second off a mark that stood for a decade.",
        "The 16-year-old trains before school six days a week.",
        75,
    ),
    (
        "library-late-opening",
        "Central library to open until ten on weeknights",
        "other",
        "A six-month trial starts next month.",
        "Study rooms will be bookable online.",
        55,
    ),
]

DRAFT = (
    "mayor-interview-draft",
    "Draft: interview with the mayor",
    "politics",
    "Notes from a long interview, not yet checked.",
    "Still being written.",
)
SCHEDULED = (
    "budget-analysis-scheduled",
    "Scheduled: what the budget means for you",
    "business",
    "An explainer that goes out next month.",
    "Ready, waiting for its time.",
)

SEED_PUBLISHED_AT = datetime(2024, 6, 23, 9, 0)
DEMO_USERS = [
    # username, password, role, full name
    ("editor", "editor-demo-2024", "editor", "Erin Editor"),
    ("journalist", "journalist-demo-2024", "journalist", "Jamie Journalist"),
    ("reader", "reader-demo-2024", "reader", "Robin Reader"),
    ("blogger", "blogger-demo-2024", "blogger", "Bea Blogger"),
]


def seed_published_at():
    return timezone.make_aware(SEED_PUBLISHED_AT)


def scheduled_time():
    return timezone.now() + timedelta(days=30)


def story_time(days_before_seed: int):
    return seed_published_at() - timedelta(days=days_before_seed, hours=days_before_seed % 7)
