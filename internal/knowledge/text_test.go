package knowledge

import (
	"strings"
	"testing"
)

func TestLooksLikeTitle(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"Backend interview", true},
		{"What is a backend developer?", true},
		{"Rotating the Slack token (v2)", true},
		{"Notes 2024", true},
		{"The bot answers from the knowledge folder.", false},
		{"Steps to deploy:", false},
		{"First, stop the worker,", false},
		{"It goes on and on...", false},
		{"September 30, 2022 –", false},
		{"2024-01-31", false},
		{"Posted 3 May 2021", false},
		{"Tue, 02 Jan 2024 10:00:00 GMT", false},
		{"https://wiki.example.com/backend", false},
		{"www.example.com", false},
		{"12:30 - 14:45 / #42", false},
		{"==========", false},
		{".. highlight:: c", false},
		{":tocdepth: 2", false},
		{"one two three four five six seven eight nine ten eleven twelve thirteen", false},
		{"A title that is quite long but has few words: supercalifragilisticexpialidociously", false},
	} {
		t.Run(tc.line, func(t *testing.T) {
			if got := looksLikeTitle(tc.line); got != tc.want {
				t.Errorf("looksLikeTitle(%q) = %v, want %v", tc.line, got, tc.want)
			}
		})
	}
}

func TestTitleFromName(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"what-is-a-backend-developer.txt", "What is a backend developer"},
		{"notes/on_call__handbook.txt", "On call handbook"},
		{"_sources/c-api/bool.rst.txt", "Bool"},
		{"IMG_2034.txt", "IMG 2034"},
		{"v1.2-release.txt", "V1.2 release"},
		{"ürün-notları.txt", "Ürün notları"},
		{"000_6641804ea29a90ba.txt", ""},
		{"2024-01-31.txt", ""},
		{"a1b2c3d4e5.txt", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			if got := titleFromName(tc.path); got != tc.want {
				t.Errorf("titleFromName(%q) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}

func TestTextTitle(t *testing.T) {
	long := "In the contemporary information technology landscape, software development is emerging as a cardinal discipline that drives innovation."
	for _, tc := range []struct {
		name, path, text string
		want             string
	}{
		{"title-like first line", "000_6641804ea29a90ba.txt", "What is a backend developer?\n\nFacundo explains the job.\n", "What is a backend developer?"},
		{"sentence first line, named file", "what-is-a-backend-developer.txt", long + "\n\nMore text.\n", "What is a backend developer"},
		{"sentence first line, hash name", "001_56a6df527dd7c8ea.txt", long + "\n\nMore text.\n", "In the contemporary information technology landscape…"},
		{"date first line, hash name", "003_aed87122707da3dd.txt", "September 30, 2022 –\n\nDo you know what backend developers do?\n\n" + long + "\n", "Do you know what backend developers do?"},
		{"date only, hash name", "004_aed87122707da3dd.txt", "2022-09-30\n\n" + long + "\n", "In the contemporary information technology landscape…"},
		{"URL first line, named file", "links.txt", "https://example.com/a\n\nSome links.\n", "Links"},
		{"short opening sentence, hash name", "005_aed87122707da3dd.txt", "Keep it short. Then more words follow here.\n", "Keep it short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := parseText(tc.path, []byte(tc.text))
			if a.Title != tc.want {
				t.Errorf("title %q, want %q", a.Title, tc.want)
			}
		})
	}
}

// Web pages saved as text number their sections ("2. Effectively Managing
// Databases") and put a heading before a list; both are headings, while a
// numbered list of steps stays a list.
func TestTextHeadingsBeforeListsAndNumbered(t *testing.T) {
	doc := "Intro paragraph that is long enough to be a paragraph of its own, really, as web pages saved as text have them.\n" +
		"2. Effectively Managing Databases\n" +
		"Managing a database is another task that is equally important, and it is described at length here.\n" +
		"Technologies they use\n" +
		"  • Python\n  • Java\n  • MySQL, MongoDB, MariaDB, Oracle\n  • REST and SOAP web services\n" +
		"How to install\n" +
		"1. Download the package\n2. Run the installer\n3. Start the service and check that it answers on its port\n"
	a, err := Parse("page.txt", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	heads := headings(a)
	want := "2. Effectively Managing Databases|Technologies they use|How to install"
	if got := heads; got != want {
		t.Fatalf("headings %q, want %q", got, want)
	}
	last := a.Sections[len(a.Sections)-1]
	if !strings.Contains(last.Text, "1. Download the package") || !strings.Contains(last.Text, "3. Start the service") {
		t.Errorf("numbered steps not kept as the list under their heading: %q", last.Text)
	}
}

// A line that is only a number before a long paragraph is not a heading,
// and does not crash the parser.
func TestTextNumberLineIsNotAHeading(t *testing.T) {
	long := strings.Repeat("A paragraph long enough to follow a heading line in a saved web page. ", 3)
	for _, line := range []string{"2024", "1.", "3) "} {
		a, err := Parse("n.txt", []byte("Intro line that is long enough to be a paragraph of its own, as web pages saved as text have it.\n"+line+"\n"+long+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		if h := headings(a); h != "" {
			t.Errorf("%q taken as a heading: %q", line, h)
		}
	}
}
