"""Rotherham's demo plan (seeds 000 and 001).

Rotherham tags its plan by 4P strand only: the national priority of each objective is OURS
(Pursue → supply; treatment, harm and recovery → treatment; prevention, families, education
and engagement → demand). The "Key progress against action plan" bullets of the annual update
are the milestones; the key action above each is named after it.
"""

from __future__ import annotations

from datetime import date

from ..models import ActionPlan
from .builders import (
    COMPLETE,
    ON_TRACK,
    Act,
    DigestMilestone,
    Ms,
    Obj,
    P,
    S,
    Sector,
    SeedPlan,
    illustrative,
)

RMBC = "Rotherham Metropolitan Borough Council"
SYP = "South Yorkshire Police"
PROBATION = "Probation Service"
ROADS = "Rotherham Alcohol and Drugs Service (ROADs)"
RDASH = "Rotherham Doncaster and South Humber NHS Foundation Trust (RDaSH)"
VAR = "Voluntary Action Rotherham (VAR)"

# Progress achieved by the annual update is in plan year 1 (2023/24), work that continues in
# plan year 2: both assumed, as the seed gives no dates.
OBJECTIVES = [
    Obj("Facilitate improved information sharing including with IT systems", P.TREATMENT,
        S.PREPARE, (
            Act("Local outcomes framework", (RMBC,), (
                Ms("Local outcomes framework developed", COMPLETE, 1,
                   note="A local outcomes framework has been developed to measure progress "
                   "against the National Combatting Drugs Outcomes Framework"),
            )),
            Act("Local Drug Information System (LDIS) Panel", (RMBC, SYP, ROADS), (
                Ms("Local Drug Information System (LDIS) Panel established", COMPLETE, 1,
                   note="Local Drug Information System (LDIS) Panel has been established to "
                   "collate, evaluate and respond to intelligence concerning potent, novel or "
                   "adulterated substances"),
            )),
            # Seed 000, resolution 2; seed 001 is that report. Its place here is ours.
            Act("Annual progress report against the action plan", (RMBC, SYP), (
                Ms("Annual progress report against the action plan received", COMPLETE, 1,
                   note="Resolved: that the progress against the action plan be noted and the "
                   "work of the Partnership be supported"),
            )),
        )),
    Obj("Equip workers by providing education for professionals", P.DEMAND, S.PREPARE, (
        Act("Drug and alcohol training for the wider Public Health workforce", (RMBC,), (
            Ms("Drug and alcohol training sessions delivered", ON_TRACK, 2,
               note="A range of drug and alcohol training session have, and continue, to be "
               "delivered to upskill the wider Public Health workforce"),
        )),
        Act("Educational resources for schools and higher education", (RMBC, ROADS), (
            Ms("Educational resources procured and distributed to schools and higher education",
               COMPLETE, 1,
               note="Stock of educational resources have been procured and distributed to "
               "schools and higher education alongside appropriate training from the Rotherham "
               "Alcohol and Drugs Service (ROADs)"),
        )),
    )),
    Obj("Develop Combatting Drugs Communications and Engagement Strategy", P.DEMAND, S.PREPARE, (
        # Listed with the Protect bullets in seed 001; engagement is where it belongs.
        Act("Public involvement lead", (ROADS,), (
            Ms("ROADs established as public involvement lead", COMPLETE, 1,
               note="ROADs established as public involvement lead, developing plans to ensure a "
               "range of voices and heard throughout the work of the CDP"),
        )),
        Act("Communications and Engagement Strategy", (RMBC,), (
            illustrative("Combatting Drugs Communications and Engagement Strategy developed",
                         ON_TRACK, 2),
        )),
    )),
    Obj("Develop continuity of care in criminal justice pathway", P.TREATMENT, S.PREVENT, (
        # No progress bullet: the milestone is from seed 001's discussion.
        Act("Drug and Alcohol Treatment Orders with the Probation Service", (PROBATION, ROADS), (
            illustrative("More Drug and Alcohol Treatment Orders being used", ON_TRACK, 2,
                         note="Work with Probation Service looking at more Drug and Alcohol "
                         "Treatment Orders being used", metrics=("continuity_of_care",)),
        )),
    )),
    Obj("Develop whole family approach", P.DEMAND, S.PREVENT, (
        Act("Substance Misuse Early Help Team in the Family Hubs", (RMBC,), (
            Ms("Substance Misuse Early Help Team taking referrals", COMPLETE, 1,
               note="New Substance Misuse Early Help Team in the Family Hubs began taking "
               "referrals in August enhancing early identification and access to specialist "
               "services for parents"),
        )),
    )),
    Obj("Develop wider support offer and capacity for increased numbers for alcohol and drugs "
        "treatment/support", P.TREATMENT, S.PREVENT, (
            Act("Pathway into detoxification and rehabilitation", (RMBC, ROADS), (
                Ms("Revised pathway for access into detoxification and rehabilitation "
                   "implemented", ON_TRACK, 2, metrics=("residential_rehab",),
                   note="Work has continued to implement the revised pathway for access into "
                   "detoxification and rehabilitation, enabling more individuals to benefit and "
                   "increase successful treatment outcomes"),
            )),
            Act("Sexual Health Service posts working with the Drugs and Alcohol Service",
                (RMBC, ROADS), (
                    Ms("New posts in place in the Sexual Health Service", COMPLETE, 1,
                       note="New posts were now in place in the Sexual Health Service, working "
                       "with the Drugs and Alcohol Service, to identify new clients and enhance "
                       "the Service offer in both Services"),
                )),
            Act("Drinkcoach online alcohol service", (RMBC,), (
                Ms("Drinkcoach procured and live since April 2023", COMPLETE, 1,
                   note="Drinkcoach was procured and live since April 2023. Drinkcoach was an "
                   "online commissioned service that allowed people to assess their drinking and "
                   "receive personalised advice and support online including free coaching "
                   "sessions"),
            )),
        )),
    Obj("Develop and deliver harm reduction offer", P.TREATMENT, S.PROTECT, (
        Act("ROADs harm reduction offer", (ROADS,), (
            Ms("Naloxone training to partners", COMPLETE, 1,
               note="ROADs had developed their harm reduction offer including providing "
               "Naloxone training to partners to help prevent opiate deaths"),
        )),
    )),
    Obj("Reduce drugs related deaths", P.TREATMENT, S.PROTECT, (
        Act("Drug and Alcohol Related Death Prevention Co-ordinator", (SYP,), (
            Ms("Drug and Alcohol Related Death Prevention Co-ordinator recruited", COMPLETE, 1,
               metrics=("drug_misuse_deaths",),
               note="South Yorkshire Police Drug and Alcohol Related Death Prevention "
               "Co-ordinator Role successfully recruited to and now supporting work improving "
               "local intelligence systems to reduce harms from drugs"),
        )),
    )),
    Obj("Implement dual diagnosis pathways and improved psychological support", P.TREATMENT,
        S.PROTECT, (
            # No progress bullet in seed 001: the milestone is from seed 000's discussion.
            Act("Dual diagnosis pathway", (RMBC, RDASH), (
                illustrative("Dual diagnosis pathway agreed with RDaSH", ON_TRACK, 2,
                             note="A dual diagnosis pathway was newly commissioned, with "
                             "further work to determine how the pathway will work and how it "
                             "will be embedded, with RDaSH with agreements imminent"),
            )),
        )),
    Obj("Develop and implement recovery pathway", P.TREATMENT, S.PROTECT, (
        Act("Independent Recovery Community in Rotherham", (RMBC, VAR), (
            Ms("VAR commissioned to develop an independent Recovery Community", COMPLETE, 1,
               note="VAR had been commissioned to develop an independent Recovery Community in "
               "Rotherham. This included the creation of public forums and lived experience "
               "champion roles and managing recovery grants to community groups"),
        )),
    )),
    Obj("Continue effective pursue response working with partners", P.SUPPLY, S.PURSUE, (
        Act("Drug expert witnesses", (SYP,), (
            Ms("3 drug expert witnesses in place", COMPLETE, 1,
               note="Additional 3 Drug expert witnesses were now in place to support the "
               "investigation of drug offences with appropriate knowledge, skills and "
               "experience"),
        )),
        Act("Threat and Harm meetings chaired by the Force drug lead", (SYP,), (
            Ms("Additional Threat and Harm meetings chaired by the Force drug lead", COMPLETE, 1,
               note="To ensure effective intelligence management additional South Yorkshire "
               "Police Threat and Harm meetings were now chaired by the Force drug lead"),
        )),
        Act("Operation GROW, partnership approach to cannabis", (SYP, RMBC), (
            Ms("Operation GROW continued", ON_TRACK, 2,
               note="Operation GROW, partnership approach to cannabis, continued to be "
               "successful"),
        )),
    )),
    Obj("Develop focus on county lines/exploitation of children in line with Child Exploitation "
        "Strategy", P.SUPPLY, S.PURSUE, (
            Act("County lines and child exploitation", (SYP, RMBC), (
                illustrative("County lines focus in line with the Child Exploitation Strategy",
                             ON_TRACK, 2, metrics=("county_lines_closed",)),
            )),
        )),
    Obj("Disrupt organised crime", P.SUPPLY, S.PURSUE, (
        Act("Serious and Organised Crime Tasking Group", (SYP, RMBC), (
            Ms("Serious and Organised Crime Tasking Group in place", COMPLETE, 1,
               metrics=("ocg_disruptions",),
               note="A new Serious and Organised Crime Tasking Group to discuss intelligence "
               "relating to OCG members was now in place to set actions set at a partnership "
               "level"),
        )),
    )),
]

# --- Something for every section of a lead's weekly digest --------------------------------
# Rotherham's plan (the only signed-off one: drafts get no digest) ended on 31 March 2025, so
# its unfinished milestones are all overdue by now. These two are invented, dated from the
# day the demo is loaded, and marked illustrative: one due within 14 days and one without an
# update for 10 weeks, so that rotherham.lead's digest shows all three sections.
DIGEST = [
    # (key action, milestone, due in days, status, progress note, its date in days ago)
    DigestMilestone("Communications and Engagement Strategy",
                    "Communications and Engagement Strategy refreshed for the partnership's "
                    "next plan",
                    10, ON_TRACK, "Illustrative: draft circulated to partners for comment", 20),
    DigestMilestone("Independent Recovery Community in Rotherham",
                    "Recovery Community's first annual report received by the partnership",
                    150, ON_TRACK, "Illustrative: VAR gathering case studies from members", 70),
]

SEED = SeedPlan(
    slug="rotherham",
    title="Rotherham Combating Drugs Partnership action plan",
    # The seed's outcomes run to the end of 2024/25: two years.
    first_year=2023, years=2,
    # Seed 001: "Action plan signed off". The exact date is assumed, and so is the date of the
    # annual update's progress.
    status=ActionPlan.Status.SIGNED_OFF, signed_off_on=date(2024, 3, 31),
    signed_off_by="Rotherham Combating Drugs Partnership",
    as_at=date(2024, 3, 31),
    objectives=OBJECTIVES,
    organisations=[(RDASH, Sector.NHS), (VAR, Sector.VOLUNTARY)],
    digest=DIGEST,
)
