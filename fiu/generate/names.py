"""Hand-written vocabularies for the synthetic world: names, places, merchants.

Every list is ordered and indexed by position, so a seeded draw picks the same value on
every run. Phone numbers are built in the fictional 555 exchange elsewhere; nothing here
names a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_NAMES = tuple(
    """
    James Mary Robert Patricia John Jennifer Michael Linda William Elizabeth David
    Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy
    Daniel Lisa Matthew Margaret Anthony Sandra Mark Ashley Steven Kimberly Andrew Emily
    Joshua Donna Kenneth Michelle Kevin Carol Brian Amanda Timothy Melissa Ronald
    Deborah Jason Stephanie Jeffrey Rebecca Ryan Laura Jacob Katherine Gary Sharon
    Nicholas Cynthia Eric Kathleen Jonathan Amy Larry Angela Justin Shirley Scott Brenda
    Brandon Pamela Benjamin Nicole Samuel Samantha Gregory Christine Alexander Rachel
    Patrick Janet José María Luis Sofía Carlos Ana Jesús Lucía Andrés Inés Ramón
    Guadalupe Juan Rosa Miguel Carmen Francisco Verónica Alejandro Mónica Héctor Adriana
    Raúl Yesenia Óscar Marisol Minh Linh Thanh Hoa Wei Mei Jun Xiu Min-jun Seo-yeon
    Ji-ho Hana Olena Dmitri Irina Andrei Natalia Tatiana DeShawn Aaliyah Jamal Imani
    Tyrone
    Keisha Malik Zoë Priya Rahul Anjali Vikram Fatima Omar Amira Yusuf
    """.split()
)

LAST_NAMES = tuple(
    """
    Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore
    Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen
    King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner
    Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers
    Morgan Peterson Cooper Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson
    Brooks Bennett Gray James Hughes Price Sanders Myers García Rodríguez Martínez
    Hernández López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Cruz
    Reyes Morales Ortiz Gutiérrez Chávez Ramos Ruiz Álvarez Mendoza Castillo Jiménez
    Vásquez Romero Herrera Medina Aguilar Vargas Nguyễn Trần Lê Phạm Huỳnh Chen Wang Li
    Zhang Liu Yang Huang Zhao Wu Zhou Kim Park Choi Jung Kang Cho Kowalski Nowak Ivanov
    Petrova Shevchenko Kovalenko Popescu Patel Shah Singh Kumar Khan Ali Hassan Okafor
    Mensah Washington Jefferson Banks Freeman Dubois Moreau Rossi Russo
    """.split()
)

NICKNAMES = {
    "William": ("Bill", "Will", "Billy"),
    "Robert": ("Bob", "Rob", "Bobby"),
    "Richard": ("Rick", "Dick", "Rich"),
    "James": ("Jim", "Jimmy"),
    "John": ("Johnny", "Jack"),
    "Michael": ("Mike", "Mikey"),
    "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"),
    "Charles": ("Charlie", "Chuck"),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Steven": ("Steve",),
    "Andrew": ("Andy", "Drew"),
    "Joshua": ("Josh",),
    "Kenneth": ("Ken", "Kenny"),
    "Timothy": ("Tim",),
    "Ronald": ("Ron",),
    "Jeffrey": ("Jeff",),
    "Nicholas": ("Nick",),
    "Jonathan": ("Jon",),
    "Benjamin": ("Ben",),
    "Samuel": ("Sam",),
    "Gregory": ("Greg",),
    "Alexander": ("Alex",),
    "Patrick": ("Pat",),
    "Elizabeth": ("Liz", "Beth", "Betty"),
    "Jennifer": ("Jen", "Jenny"),
    "Patricia": ("Pat", "Patty"),
    "Margaret": ("Maggie", "Peggy"),
    "Katherine": ("Kate", "Kathy"),
    "Kimberly": ("Kim",),
    "Rebecca": ("Becky",),
    "Samantha": ("Sam",),
    "Stephanie": ("Steph",),
    "Deborah": ("Debbie", "Deb"),
    "Pamela": ("Pam",),
    "Christine": ("Chris", "Tina"),
    "Francisco": ("Paco", "Frank"),
    "José": ("Pepe", "Joe"),
    "Alejandro": ("Alex",),
    "Guadalupe": ("Lupe",),
    "Jesús": ("Chuy",),
    "Dmitri": ("Dima",),
    "Natalia": ("Natasha",),
    "Tatiana": ("Tanya",),
}

STAGE_NAMES = tuple(
    """
    Mia Lily Coco Candy Bella Jade Ruby Kitty Honey Angel Star Crystal Diamond Jasmine
    Cherry Lola Nikki Roxy Sasha Amber Daisy Luna Skye Destiny Paris Mimi Lexi Tiffany
    """.split()
)

STREET_NAMES = tuple(
    """
    Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Sunset Highland Lincoln
    Jefferson Franklin Madison Walnut Willow Magnolia Pecan Cypress Mesquite Palm
    Bayshore Ocean River Meadow Ridge Spring Church Mill Forest Harbor Valley Commerce
    Market Industrial Airport College Broadway
    """.split()
)

# full form, postal abbreviation
STREET_TYPES = (
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Boulevard", "Blvd"),
    ("Road", "Rd"),
    ("Drive", "Dr"),
    ("Lane", "Ln"),
    ("Court", "Ct"),
    ("Parkway", "Pkwy"),
    ("Place", "Pl"),
    ("Way", "Way"),
)

DIRECTIONS = (("North", "N"), ("South", "S"), ("East", "E"), ("West", "W"))


@dataclass(frozen=True)
class Region:
    """A US state (or Canadian province) with its standard UTC offset in minutes."""

    code: str
    std_offset: int
    dst: bool
    country: str = "US"


@dataclass(frozen=True)
class City:
    name: str
    region: str
    area_code: str
    zip_prefix: str


REGIONS = (
    Region("TX", -360, True),
    Region("FL", -300, True),
    Region("CA", -480, True),
    Region("NY", -300, True),
    Region("GA", -300, True),
    Region("IL", -360, True),
    Region("NV", -480, True),
    Region("AZ", -420, False),
    Region("WA", -480, True),
    Region("NC", -300, True),
    Region("LA", -360, True),
    Region("CO", -420, True),
    Region("ON", -300, True, "CA"),
)

CITIES = (
    City("Houston", "TX", "713", "770"),
    City("Dallas", "TX", "214", "752"),
    City("Austin", "TX", "512", "787"),
    City("San Antonio", "TX", "210", "782"),
    City("Fort Worth", "TX", "817", "761"),
    City("McAllen", "TX", "956", "785"),
    City("Miami", "FL", "305", "331"),
    City("Orlando", "FL", "407", "328"),
    City("Tampa", "FL", "813", "336"),
    City("Jacksonville", "FL", "904", "322"),
    City("Fort Lauderdale", "FL", "954", "333"),
    City("Los Angeles", "CA", "213", "900"),
    City("San Diego", "CA", "619", "921"),
    City("San Jose", "CA", "408", "951"),
    City("Sacramento", "CA", "916", "958"),
    City("New York", "NY", "212", "100"),
    City("Brooklyn", "NY", "718", "112"),
    City("Buffalo", "NY", "716", "142"),
    City("Atlanta", "GA", "404", "303"),
    City("Savannah", "GA", "912", "314"),
    City("Chicago", "IL", "312", "606"),
    City("Las Vegas", "NV", "702", "891"),
    City("Phoenix", "AZ", "602", "850"),
    City("Seattle", "WA", "206", "981"),
    City("Charlotte", "NC", "704", "282"),
    City("Raleigh", "NC", "919", "276"),
    City("New Orleans", "LA", "504", "701"),
    City("Denver", "CO", "303", "802"),
)

# Cities outside the US a business traveller may visit (paid in the local currency).
FOREIGN_CITIES = ((City("Toronto", "ON", "416", "M5V"), "CAD"),)

# Weights of the cities for where people live (big cities weigh more).
# fmt: off
CITY_WEIGHTS = (
    9, 7, 6, 5, 3, 2, 7, 4, 4, 3, 3, 9, 4, 3, 2, 9, 5, 2, 6, 2, 7, 4, 4, 4, 3, 2, 3, 4,
)
# fmt: on

# (mcc, merchant names, typical amount in dollars, spread) for everyday card spending.
EVERYDAY_MERCHANTS = (
    (
        "5411",
        (
            "H-E-B #{n}",
            "Kroger #{n}",
            "Publix Super Market",
            "Safeway {n}",
            "Whole Foods Market",
            "ALDI {n}",
            "Trader Joe's #{n}",
        ),
        65.0,
        0.7,
    ),
    (
        "5812",
        (
            "Chipotle {n}",
            "Olive Garden #{n}",
            "Taqueria El Sol",
            "Pho Saigon",
            "Panda Express #{n}",
            "Local Diner",
            "Luigi's Pizzeria",
        ),
        28.0,
        0.6,
    ),
    (
        "5814",
        (
            "McDonald's F{n}",
            "Starbucks #{n}",
            "Subway {n}",
            "Taco Bell #{n}",
            "Chick-fil-A #{n}",
        ),
        11.0,
        0.5,
    ),
    (
        "5541",
        (
            "Shell Oil {n}",
            "Exxon Mobil {n}",
            "Chevron {n}",
            "Valero #{n}",
            "QuikTrip #{n}",
        ),
        42.0,
        0.4,
    ),
    ("5912", ("CVS/Pharmacy #{n}", "Walgreens #{n}", "Rite Aid {n}"), 24.0, 0.7),
    (
        "5311",
        ("Target T-{n}", "Walmart Supercenter #{n}", "Costco Whse #{n}", "Kohl's #{n}"),
        80.0,
        0.8,
    ),
    ("5999", ("Amazon Mktplace", "Etsy Purchase", "eBay O*{n}"), 35.0, 0.9),
    ("4121", ("Uber Trip", "Lyft Ride"), 19.0, 0.5),
    ("5813", ("The Rusty Anchor Bar", "Midnight Tavern", "Shamrock Pub"), 32.0, 0.5),
    ("7230", ("Great Clips #{n}", "Supercuts {n}"), 25.0, 0.3),
    ("4899", ("Netflix.com", "Spotify USA", "Comcast Cable"), 15.0, 0.2),
)

HOTEL_CHAINS = (
    ("3504", "Hilton Hotels"),
    ("3509", "Marriott"),
    ("3501", "Holiday Inn"),
    ("3615", "Travelodge"),
    ("3665", "Hampton Inn"),
    ("3710", "Ritz Carlton"),
    ("7011", "Best Budget Inn"),
    ("7011", "Sunrise Motel"),
    ("7011", "Economy Lodge"),
    ("7011", "Starlite Motor Inn"),
)

EMPLOYERS = (
    "City of {city}",
    "{city} Independent School District",
    "Memorial Hospital System",
    "Lone Star Logistics Inc",
    "Sunbelt Health Partners",
    "Acme Manufacturing Co",
    "Gulf Coast Energy LLC",
    "Bright Horizons Retail",
    "United Parcel Service",
    "Amazon.com Services LLC",
    "Walmart Associates Inc",
    "County of {city}",
    "Tri-State Construction Inc",
    "Metro Transit Authority",
    "Pinnacle Insurance Group",
)

LANDLORDS = (
    "Greystar Property Mgmt",
    "Camden Living",
    "Oak Ridge Apartments",
    "Sunset Properties LLC",
    "Parkview Residential",
    "Harbor Point Rentals",
)

REMITTANCE_SERVICES = ("Western Union", "Remitly", "MoneyGram", "Xoom", "Intermex")

AD_SITES = (
    "LocalListings Web",
    "CityNights Ads",
    "AdBoost Classifieds",
    "NiteBoard Online",
)

BUSINESS_WORDS = {
    "spa": (
        (
            "Serenity",
            "Tranquil",
            "Harmony",
            "Blue Lotus",
            "Zen Garden",
            "Bamboo",
            "Pure Bliss",
            "Healing Hands",
            "Oasis",
            "Lavender",
        ),
        ("Day Spa", "Spa", "Wellness Center", "Massage & Spa", "Bodywork Studio"),
    ),
    "massage": (
        (
            "Golden",
            "Jade",
            "Orchid",
            "Moonlight",
            "Silk Road",
            "Pearl",
            "Lucky",
            "Asian Star",
            "Sakura",
            "Red Lantern",
            "Happy Feet",
            "Dragon",
        ),
        ("Massage", "Spa", "Massage Therapy", "Foot Spa", "Relaxation Spa"),
    ),
    "nail salon": (
        (
            "Luxe",
            "Diamond",
            "Polished",
            "Tip Top",
            "Glamour",
            "Lotus",
            "Rose",
            "Perfect",
        ),
        ("Nails", "Nail Salon", "Nail Bar", "Nails & Spa"),
    ),
    "bar": (
        (
            "Midnight",
            "Rusty Anchor",
            "Last Call",
            "Neon",
            "Velvet",
            "Shamrock",
            "Lone Star",
            "Night Owl",
        ),
        ("Tavern", "Lounge", "Bar & Grill", "Pub", "Saloon"),
    ),
    "hotel": (
        ("Riverside", "Grand", "Plaza", "Airport", "Parkway", "Bayview", "Downtown"),
        ("Hotel", "Inn", "Suites", "Inn & Suites"),
    ),
    "staffing agency": (
        (
            "Reliable",
            "ProForce",
            "Summit",
            "Allied",
            "Premier",
            "Express",
            "Keystone",
            "Frontline",
        ),
        ("Staffing", "Workforce Solutions", "Personnel Services", "Staffing Group"),
    ),
    "labor contractor": (
        (
            "Prime Harvest",
            "Golden Fields",
            "Valley",
            "Sunrise",
            "Southern Crop",
            "Green Acres",
            "Rio Grande",
            "Delta",
        ),
        (
            "Labor Contractors",
            "Farm Labor",
            "Workforce",
            "Agricultural Services",
            "Labor Services",
        ),
    ),
    "restaurant": (
        (
            "El Rancho",
            "Mama Rosa's",
            "Golden Dragon",
            "Bluebonnet",
            "Smokehouse",
            "Saigon",
            "Olive Tree",
            "Harbor",
        ),
        ("Cafe", "Grill", "Kitchen", "Restaurant", "Bistro"),
    ),
    "auto repair": (
        ("Precision", "Quick Lane", "Main Street", "Reliable", "A1"),
        ("Auto Repair", "Automotive", "Auto Service", "Collision Center"),
    ),
    "dental office": (
        ("Bright Smile", "Family", "Gentle Care", "Parkside"),
        ("Dental", "Dentistry", "Dental Group"),
    ),
    "cleaning service": (
        ("Sparkle", "Fresh Start", "Maid Right", "Crystal Clear"),
        ("Cleaning", "Janitorial Services", "Cleaning Co"),
    ),
    "landscaping": (
        ("Green Thumb", "Evergreen", "Lone Oak", "Palm Coast"),
        ("Landscaping", "Lawn Care", "Landscape Services"),
    ),
    "retail": (
        ("Corner", "Hometown", "Sunshine", "Liberty"),
        ("Hardware", "Boutique", "Market", "Gift Shop", "Supply"),
    ),
    "construction": (
        ("Titan", "Bedrock", "Lone Star", "Coastal"),
        ("Builders", "Construction", "Contracting", "Roofing"),
    ),
}

LEGAL_SUFFIXES = ("LLC", "Inc", "Corp", "Co", "")

# A review's words by tone; IMB-6 hints are kept for planted networks.
REVIEWS_POSITIVE = (
    "Wonderful experience, the staff were professional and the room was spotless.",
    "Booked online for a Saturday morning, therapist was licensed and very skilled.",
    "Great service and fair prices. Will come back with my sister.",
    "Clean, friendly, and on time. Parking was easy.",
    "Five stars. They remembered my name and my usual order.",
    "Relaxing atmosphere, good music, and they take all major cards.",
    "Family owned and it shows, everyone is so welcoming.",
)
REVIEWS_NEUTRAL = (
    "Decent place, a bit pricey for what you get.",
    "Service was slow on a busy Friday but the food was fine.",
    "OK experience, nothing special. Hard to find parking.",
    "They were closed when the website said open. Came back next day, fine.",
)
REVIEWS_LATE_BAR = (
    "Open late and the bartenders are great. Cash only on weekends though, ATM inside.",
    "Best late night spot downtown, still serving at 1:30am.",
    "Gets loud after midnight, good DJ. Card minimum of $10.",
)
REVIEWS_IMB_HINTS = (
    "The girls seem to live there, saw a rice cooker and suitcases in the back room.",
    "Cash only, they would not take my card. Open until 2am.",
    "Door was locked, had to ring a buzzer to get in. Windows are covered.",
    "Came in at midnight and they were still open. Same lady every time, she never "
    "leaves.",
    "Ask for the special. Tip expected in cash. Back entrance from the alley.",
    "Open very late. Women sleep on the tables after closing, felt sad.",
    "Not a real spa. No licence on the wall, different girl every month.",
)

ADS_BENIGN = (
    ("2014 Honda Civic for sale, 98k miles, clean title. Call or text.", "Autos"),
    ("Moving sale: sofa, dining table, bikes. Saturday 8am-1pm.", "Household"),
    (
        "Licensed massage therapist, Swedish and deep tissue, by appointment 9-6.",
        "Services",
    ),
    (
        "Experienced house cleaner, references available, weekly or biweekly.",
        "Services",
    ),
    ("Math and science tutoring for middle and high school students.", "Lessons"),
    ("Puppies ready for new homes, vet checked, first shots done.", "Pets"),
    ("Handyman: drywall, painting, small plumbing. Free estimates.", "Services"),
    ("Room for rent near campus, utilities included, no smokers.", "Housing"),
    ("Used textbooks, good condition, half price.", "For sale"),
    ("Wedding photographer, packages from $900.", "Services"),
)

ADS_ESCORT = (
    "New in town! Sweet and young {name}, 100% real pics, trustworthy and discreet. "
    "Call {obf}.",
    "{name} here, just arrived, young fresh and fun. Outcalls and incalls. Txt {obf}",
    "Exotic {ethnic} beauty {name}, petite, available 24/7. No law enforcement. {obf}",
    "Hi gentlemen, I am {name}, sweet {ethnic} girl, very young looking, safe and "
    "trustworthy. Text only {obf}",
    "Visiting {city} this week only, {name} is waiting for you. Specials all night. "
    "{obf}",
)
ADS_IMB = (
    "Grand opening! Beautiful {ethnic} girls, body rub, open late till 2am. {obf}",
    "New young staff, best massage in {city}, full body, walk-ins welcome 10am-2am. "
    "Ask for {name}. {obf}",
    "{name} and friends, {ethnic} relaxation, table shower, VIP room. Call {obf}",
)
ETHNIC_WORDS = ("Asian", "Latina", "Korean", "Thai", "Chinese", "Russian", "Ebony")

NEWS_BENIGN = (
    "{name} opens {biz} in {city}, bringing 12 new jobs to the neighbourhood.",
    "Local business owner {name} honoured at {city} chamber of commerce awards.",
    "{biz} sponsors youth soccer league for the third year.",
    "{name} elected to {city} neighbourhood association board.",
    "Health inspection scores: {biz} passes with no violations.",
)
NEWS_STAFFING_BENIGN = (
    "{biz} hosts job fair in {city}, hiring 200 warehouse workers at $18 an hour.",
    "{biz} named among top employers by regional workforce board.",
)
NEWS_LABOR = (
    "Department of Labor finds {biz} owed workers back wages; owner {name} disputes "
    "findings.",
    "Workers say {biz} charged recruitment fees and deducted rent for crowded housing; "
    "{name} named in complaint.",
    "{biz} fined for wage violations after workers' passports were held by supervisor "
    "{name}.",
)
COURT_LABOR = (
    "Wage claim: plaintiffs v. {biz} and {name}; unpaid wages, unlawful recruitment "
    "fees, "
    "housing deductions.",
    "Civil action under the Fair Labor Standards Act against {biz}; defendant officer "
    "{name}.",
)
COURT_FUNNEL = (
    "United States v. {name}: indictment for structuring cash deposits and money "
    "laundering conspiracy.",
    "State v. {name}: charges of promotion of prostitution and human trafficking; "
    "bond set.",
    "Forfeiture complaint naming {name}; funds traced through accounts in several "
    "states.",
)
NEWS_FUNNEL = (
    "Police arrest {name} in trafficking investigation spanning {city} and other "
    "cities.",
    "{name} charged after cash couriers deposited proceeds across several states.",
)
COURT_BENIGN = (
    "Small claims: {name} v. landlord, security deposit dispute, judgment for "
    "plaintiff.",
    "Traffic citation, {name}, speeding 15 over, fine paid.",
    "Divorce decree, {name}, uncontested.",
    "Civil suit: {biz} v. supplier over late delivery, settled.",
    "Name change petition granted for {name}.",
)
SANCTIONS_TEXT = (
    "Designated for involvement in transnational organized crime.",
    "Designated under narcotics trafficking sanctions program.",
    "Designated for corruption and misappropriation of state assets.",
    "Designated for human trafficking and forced labor.",
)
FOREIGN_FIRST = tuple(
    """
    Viktor Alejandro Chen Rustam Abdul Nikolai Hugo Tamara Zhanna Ibrahim Sergei Marco
    Lin Arturo
    """.split()
)
FOREIGN_LAST = tuple(
    """
    Petrenko Castañeda Liang Karimov Rahimi Volkov Salinas Orlova Bekova Haddad Sokolov
    Benedetti Zhou Beltrán
    """.split()
)
FOREIGN_COUNTRIES = ("RU", "MX", "CN", "UZ", "AF", "VE", "CO", "UA", "KZ", "LB")
