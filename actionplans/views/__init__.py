"""The action plan's pages: thin, through selectors and services. Leads edit; everyone reads.

- `plan`: the plan page, and setting up the plan, its objectives and key actions;
- `milestones`: a milestone's pages and its versioned forms;
- `registers`: risks and asks;
- `report`: the annual progress report;
- `plan_import`: the plan exported to a spreadsheet and imported back;
- `digests`: a lead's weekly email;
- `overdue`: overdue milestones re-dated or closed several at once.

`actionplans/urls.py` names each view by its module.
"""
