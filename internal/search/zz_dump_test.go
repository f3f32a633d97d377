package search
import ("context";"fmt";"os";"testing";"github.com/kbbot/kbbot/internal/knowledge")
func TestDump(t *testing.T){ r,_:=knowledge.Load(context.Background(), os.Getenv("D"), knowledge.Options{}, nil); for _,a:=range r.Articles{ if a.Path!=os.Getenv("P"){continue}; fmt.Println("TITLE", a.Title); for _,s:=range a.Sections{ fmt.Printf("=== %q links=%.2f len=%d\n%.300s\n", s.Heading, s.Links, len(s.Text), s.Text)} } }
